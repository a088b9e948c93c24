package dev.gauntlet.engine.tensor;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.kernel.Parallel;
import dev.gauntlet.engine.kernel.VectorKernels;
import java.lang.foreign.MemorySegment;

/**
 * The shared matmul skeleton: checks shapes, rounds the whole batch's input once, then splits
 * rows across the worker pool and lets each subclass multiply one row against the whole batch.
 *
 * <p>Every kernel gives an input the same operation sequence whether it runs alone or in a
 * group (see {@link VectorKernels}), so a result never depends on the batch around it.
 *
 * @param <I> the rounded input the subclass's row kernel consumes
 */
abstract class AbstractWeightMatrix<I> implements WeightMatrix {
    /** Weight bytes per parallel task at least: smaller tasks cost more in hand-off than they save. */
    private static final long MIN_TASK_BYTES = 64 * 1024;
    private static final ThreadLocal<RowScratch> SCRATCH = ThreadLocal.withInitial(RowScratch::new);

    private final GgmlType type;
    final int rows;
    final int cols;
    final MemorySegment data;
    final long rowBytes;

    AbstractWeightMatrix(GgmlType type, int rows, int cols, MemorySegment data) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("matrix must be at least 1×1, got " + rows + "×" + cols);
        }
        this.type = type;
        this.rows = rows;
        this.cols = cols;
        this.rowBytes = type.bytesFor(cols);
        if (data.byteSize() < rowBytes * rows) {
            throw new IllegalArgumentException(type + " " + rows + "×" + cols + " needs " + rowBytes * rows
                    + " bytes, got " + data.byteSize());
        }
        this.data = data;
    }

    @Override
    public final int rows() {
        return rows;
    }

    @Override
    public final int cols() {
        return cols;
    }

    @Override
    public final GgmlType type() {
        return type;
    }

    @Override
    public final long byteSize() {
        return rowBytes * rows;
    }

    @Override
    public final MemorySegment data() {
        return data;
    }

    @Override
    public final void matmul(float[] x, float[] out, int batch) {
        if (batch < 1 || x.length < (long) batch * cols || out.length < (long) batch * rows) {
            throw new IllegalArgumentException("matmul " + rows + "×" + cols + " batch " + batch
                    + ": x has " + x.length + ", out has " + out.length + " floats");
        }
        I in = prepare(x, batch);
        int grain = (int) Math.max(1, MIN_TASK_BYTES / rowBytes);
        Parallel.forRange(rows, grain, (start, end) -> {
            RowScratch scratch = SCRATCH.get().ensure(cols);
            for (int r = start; r < end; r++) {
                multiplyRow(r, in, batch, out, scratch);
            }
        });
    }

    @Override
    public final void readRow(int row, float[] dst, int dstOffset) {
        BlockCodec.decode(type, data, rowOffset(row), cols, dst, dstOffset);
    }

    final long rowOffset(int row) {
        return java.util.Objects.checkIndex(row, rows) * rowBytes;
    }

    /**
     * Sets {@code out[b*rows + row]} to the float row at byte {@code offset} of {@code w} dotted
     * with each input vector: one pass per group of inputs, a lone input (a batch of one, or the
     * last of a batch) on its own rather than repeated to fill a group.
     */
    final void multiplyFloatRow(MemorySegment w, long offset, float[] x, int batch, float[] out, int row,
            RowScratch scratch) {
        int b = 0;
        for (; batch - b >= 2; b += VectorKernels.GROUP) {
            VectorKernels.dotGroup(w, offset, cols, x, b, Math.min(VectorKernels.GROUP, batch - b), out, row, rows,
                    scratch.lanes);
        }
        if (b < batch) {
            out[b * rows + row] = VectorKernels.dot(w, offset, x, b * cols, cols, scratch.lanes);
        }
    }

    /** The first {@code batch × cols} inputs rounded as this type's kernel needs. */
    abstract I prepare(float[] x, int batch);

    /** Sets {@code out[b*rows + row]} for every {@code b < batch}, reading the row's weights once. */
    abstract void multiplyRow(int row, I in, int batch, float[] out, RowScratch scratch);
}
