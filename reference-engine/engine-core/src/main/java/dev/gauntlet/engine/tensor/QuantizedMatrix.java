package dev.gauntlet.engine.tensor;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.kernel.ActivationQuantizer;
import dev.gauntlet.engine.kernel.BlockInterleave;
import dev.gauntlet.engine.kernel.InterleavedKernels;
import dev.gauntlet.engine.kernel.Parallel;
import dev.gauntlet.engine.kernel.Q8Activations;
import dev.gauntlet.engine.kernel.VectorKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Block-quantized weights (Q8_0, Q4_0) against Q8_0-quantized inputs. {@link #data()} stays in
 * GGUF's layout for other backends and for row lookups; the CPU kernels read a copy in {@link
 * BlockInterleave}'s layout, made on the first {@link #matmul} (a matrix only a GPU multiplies
 * never pays for it). A single input streams each row through {@link InterleavedKernels}'s
 * one-input kernel; a batch takes blocks of rows one group at a time, by tiles of two rows and up
 * to four inputs, then scales each row. Both give an input the same bits.
 */
abstract sealed class QuantizedMatrix extends AbstractWeightMatrix<Q8Activations> permits Q8_0Matrix, Q4_0Matrix {
    final int groups;
    private final int blocks;
    final long packedRowBytes;
    private volatile MemorySegment packed;

    QuantizedMatrix(GgmlType type, int rows, int cols, MemorySegment data) {
        super(type, rows, cols, data);
        this.blocks = cols / BlockCodec.BLOCK;
        this.groups = BlockInterleave.groups(blocks);
        this.packedRowBytes = BlockInterleave.rowBytes(blocks, type == GgmlType.Q4_0);
    }

    /**
     * The interleaved row at byte {@code offset} of {@code w} dotted with vector {@code b} of
     * {@code x}, its accumulator left at {@code accs[at]} ({@link VectorKernels#sumRows} sums it).
     */
    abstract void dot(MemorySegment w, long offset, Q8Activations x, int b, float[] accs, int at);

    /**
     * Group {@code g} of the block of {@code rowCount} interleaved rows at byte {@code offset} of
     * {@code w} against a tile of inputs ({@link InterleavedKernels#sumQ8_0Group}'s contract).
     */
    abstract void sumGroup(MemorySegment w, long offset, int rowCount, int g, Q8Activations x, int firstB, int count,
            float[] sums);

    @Override
    public final void prepareMatmul() {
        packed();
    }

    @Override
    final Q8Activations prepare(float[] x, int batch) {
        packed();
        return ActivationQuantizer.quantizeQ8_0(x, batch, cols, type());
    }

    @Override
    final void multiplyRows(int row, int rowCount, Q8Activations x, int batch, float[] out, RowScratch scratch) {
        MemorySegment w = packed;
        long off0 = row * packedRowBytes;
        int b = 0;
        if (batch >= 2) {
            int padded = groups * BlockInterleave.GROUP_BLOCKS;
            float[] sums = scratch.tileSums(InterleavedKernels.tileSumsLength(rowCount, groups));
            float[] scales = scratch.rowScales(rowCount * padded);
            boolean q4 = type() == GgmlType.Q4_0;
            for (; batch - b >= 2; b += VectorKernels.GROUP) {
                int count = Math.min(VectorKernels.GROUP, batch - b);
                for (int g = 0; g < groups; g++) {
                    sumGroup(w, off0, rowCount, g, x, b, count, sums);
                }
                if (b == 0) {
                    // After the first sums, so that these reads find the rows cached.
                    for (int r = 0; r < rowCount; r++) {
                        InterleavedKernels.rowScales(w, off0 + r * packedRowBytes, groups, q4, scales, r * padded);
                    }
                }
                for (int i = 0; i < count; i++) {
                    InterleavedKernels.scaleRows(scales, groups, x, b + i, i, rowCount, sums, scratch.accs);
                    VectorKernels.sumRows(scratch.accs, rowCount, out, (b + i) * rows + row);
                }
            }
        }
        if (b < batch) {
            // A lone input (a batch of one, or the last of a batch: its rows now cached) streams the rows.
            dotRows(w, off0, rowCount, x, b, out, b * rows + row, scratch);
        }
    }

    /** {@code rowCount} rows from byte {@code off0} dotted with input {@code b}, into {@code out[at, at + rowCount)}. */
    private void dotRows(MemorySegment w, long off0, int rowCount, Q8Activations x, int b, float[] out, int at,
            RowScratch scratch) {
        for (int r = 0; r < rowCount; r++) {
            dot(w, off0 + r * packedRowBytes, x, b, scratch.accs, r * BlockInterleave.GROUP_BLOCKS);
        }
        VectorKernels.sumRows(scratch.accs, rowCount, out, at);
    }

    /**
     * {@link VectorKernels#SUM_ROWS} rows per pass, whose lanes are summed together; a batch sums
     * them one group at a time.
     */
    @Override
    final int rowsPerPass(int batch) {
        return VectorKernels.SUM_ROWS;
    }

    /** The interleaved copy, made by the first caller (rows spread over the worker threads). */
    private MemorySegment packed() {
        MemorySegment p = packed;
        if (p == null) {
            synchronized (this) {
                p = packed;
                if (p == null) {
                    MemorySegment copy = Arena.ofAuto().allocate(packedRowBytes * rows, 64);
                    boolean q4 = type() == GgmlType.Q4_0;
                    Parallel.forRange(rows, 64, (start, end) -> {
                        for (int r = start; r < end; r++) {
                            BlockInterleave.packRow(data, rowOffset(r), blocks, q4, copy, r * packedRowBytes);
                        }
                    });
                    packed = p = copy;
                }
            }
        }
        return p;
    }
}
