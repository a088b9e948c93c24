package dev.gauntlet.engine.tensor;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.kernel.Parallel;
import dev.gauntlet.engine.kernel.VectorKernels;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

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
        matmulShared(new WeightMatrix[] {this}, x, new float[][] {out}, batch);
    }

    /**
     * {@link WeightMatrix#matmul(WeightMatrix[], float[], float[][], int)}: matrices of one class and
     * width round the input once (the first's {@link #prepare}; the others' {@link
     * #prepareMatmul}) and split their rows, end to end, in one parallel loop. Any other mix is
     * multiplied one matrix at a time.
     */
    static void matmulShared(WeightMatrix[] matrices, float[] x, float[][] outs, int batch) {
        if (matrices.length != outs.length || matrices.length == 0) {
            throw new IllegalArgumentException(matrices.length + " matrices for " + outs.length + " outputs");
        }
        boolean oneKind = Arrays.stream(matrices)
                .allMatch(m -> m.getClass() == matrices[0].getClass() && m.cols() == matrices[0].cols());
        if (!oneKind) {
            for (int i = 0; i < matrices.length; i++) {
                matrices[i].matmul(x, outs[i], batch);
            }
            return;
        }
        @SuppressWarnings("unchecked")
        AbstractWeightMatrix<Object>[] ms = new AbstractWeightMatrix[matrices.length];
        int[] firstRow = new int[matrices.length + 1];
        for (int i = 0; i < ms.length; i++) {
            ms[i] = (AbstractWeightMatrix<Object>) matrices[i];
            ms[i].checkShapes(x, outs[i], batch);
            ms[i].prepareMatmul();
            firstRow[i + 1] = firstRow[i] + ms[i].rows;
        }
        AbstractWeightMatrix<Object> first = ms[0];
        Object in = first.prepare(x, batch);
        int grain = (int) Math.max(1, MIN_TASK_BYTES / first.rowBytes);
        Parallel.forRange(firstRow[ms.length], grain, (start, end) -> {
            RowScratch scratch = SCRATCH.get().ensure(first.cols);
            int step = first.rowsPerPass(batch);
            for (int i = 0; i < ms.length; i++) {
                int from = Math.max(start, firstRow[i]) - firstRow[i];
                int to = Math.min(end, firstRow[i + 1]) - firstRow[i];
                for (int r = from; r < to; r += step) {
                    ms[i].multiplyRows(r, Math.min(step, to - r), in, batch, outs[i], scratch);
                }
            }
        });
    }

    private void checkShapes(float[] x, float[] out, int batch) {
        if (batch < 1 || x.length < (long) batch * cols || out.length < (long) batch * rows) {
            throw new IllegalArgumentException("matmul " + rows + "×" + cols + " batch " + batch
                    + ": x has " + x.length + ", out has " + out.length + " floats");
        }
    }

    @Override
    public final void readRow(int row, float[] dst, int dstOffset) {
        BlockCodec.decode(type, data, rowOffset(row), cols, dst, dstOffset);
    }

    final long rowOffset(int row) {
        return java.util.Objects.checkIndex(row, rows) * rowBytes;
    }

    /**
     * Sets {@code out[b*rows + row + r]} for {@code r < rowCount} (1 or 2) to float row
     * {@code row + r} (row 0 at byte {@code off0} of {@code w0}, row 1 at byte {@code off1} of
     * {@code w1}; pass row 0 again when there is one) dotted with each input vector: one pass per
     * tile of the rows and a group of inputs, a lone input (a batch of one, or the last of a batch)
     * on its own rather than repeated to fill a group.
     */
    final void multiplyFloatRows(MemorySegment w0, long off0, MemorySegment w1, long off1, float[] x, int batch,
            float[] out, int row, int rowCount, RowScratch scratch) {
        int b = 0;
        for (; batch - b >= 2; b += VectorKernels.GROUP) {
            VectorKernels.dotTile(w0, off0, w1, off1, cols, x, b, Math.min(VectorKernels.GROUP, batch - b),
                    out, row, rowCount, rows, scratch.lanes);
        }
        if (b < batch) {
            out[b * rows + row] = VectorKernels.dot(w0, off0, x, b * cols, cols, scratch.lanes);
            if (rowCount > 1) {
                out[b * rows + row + 1] = VectorKernels.dot(w1, off1, x, b * cols, cols, scratch.lanes);
            }
        }
    }

    /** The first {@code batch × cols} inputs rounded as this type's kernel needs. */
    abstract I prepare(float[] x, int batch);

    /**
     * Sets {@code out[b*rows + row + r]} for every {@code b < batch} and {@code r < rowCount}
     * ({@code rowCount} at most {@link #rowsPerPass}), reading the rows' weights once.
     */
    abstract void multiplyRows(int row, int rowCount, I in, int batch, float[] out, RowScratch scratch);

    /** Rows {@link #multiplyRows} takes at once for a batch of {@code batch}: a tile's, unless a type says more. */
    int rowsPerPass(int batch) {
        return VectorKernels.TILE_ROWS;
    }
}
