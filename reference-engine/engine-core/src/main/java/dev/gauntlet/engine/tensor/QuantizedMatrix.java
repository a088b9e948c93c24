package dev.gauntlet.engine.tensor;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.kernel.ActivationQuantizer;
import dev.gauntlet.engine.kernel.BlockInterleave;
import dev.gauntlet.engine.kernel.InterleavedKernels;
import dev.gauntlet.engine.kernel.InterleavedRows;
import dev.gauntlet.engine.kernel.Q8Activations;
import dev.gauntlet.engine.kernel.VectorKernels;
import java.lang.foreign.MemorySegment;

/**
 * Block-quantized weights (Q8_0, Q4_0) against Q8_0-quantized inputs. {@link #data()} stays in
 * GGUF's layout for other backends and for row lookups; the CPU kernels read a copy in {@link
 * BlockInterleave}'s layout on the Java heap ({@link InterleavedRows}), made on the first {@link
 * #matmul} (a matrix only a GPU multiplies never pays for it). A single input streams each row through {@link InterleavedKernels}'s
 * one-input kernel; a batch takes blocks of rows one group at a time, by tiles of two rows and up
 * to four inputs, then scales each row. Both give an input the same bits.
 */
abstract sealed class QuantizedMatrix extends AbstractWeightMatrix<Q8Activations> permits Q8_0Matrix, Q4_0Matrix {
    final int groups;
    private final int blocks;
    final int packedRowBytes;
    private volatile InterleavedRows packed;

    QuantizedMatrix(GgmlType type, int rows, int cols, MemorySegment data) {
        super(type, rows, cols, data);
        this.blocks = cols / BlockCodec.BLOCK;
        this.groups = BlockInterleave.groups(blocks);
        this.packedRowBytes = Math.toIntExact(BlockInterleave.rowBytes(blocks, type == GgmlType.Q4_0));
    }

    /**
     * The interleaved row at {@code w[offset]} dotted with vector {@code b} of {@code x}, its
     * accumulator left at {@code accs[at]} ({@link VectorKernels#sumRows} sums it).
     */
    abstract void dot(byte[] w, int offset, Q8Activations x, int b, float[] accs, int at);

    /**
     * Group {@code g} of the block of {@code rowCount} interleaved rows at {@code w[offset]}
     * against a tile of inputs ({@link InterleavedKernels#sumQ8_0Group}'s contract).
     */
    abstract void sumGroup(byte[] w, int offset, int rowCount, int g, Q8Activations x, int firstB, int count,
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
        InterleavedRows p = packed;
        int inChunk = p.rowsPerChunk() - (row & (p.rowsPerChunk() - 1));
        if (rowCount > inChunk) {
            // Rows that cross from one array to the next (matrices over 2 GiB) go as two blocks.
            multiplyRows(row, inChunk, x, batch, out, scratch);
            multiplyRows(row + inChunk, rowCount - inChunk, x, batch, out, scratch);
            return;
        }
        byte[] w = p.chunk(row);
        int off0 = p.offset(row);
        int b = 0;
        if (batch >= 2) {
            int padded = groups * BlockInterleave.GROUP_BLOCKS;
            float[] scales = scratch.rowScales(rowCount * padded);
            float[] sums = scratch.tileSums(InterleavedKernels.tileSumsLength(rowCount, groups));
            for (; batch - b >= 2; b += VectorKernels.GROUP) {
                int count = Math.min(VectorKernels.GROUP, batch - b);
                for (int g = 0; g < groups; g++) {
                    sumGroup(w, off0, rowCount, g, x, b, count, sums);
                }
                if (b == 0) {
                    // After the first sums, so that these reads find the rows cached.
                    boolean q4 = type() == GgmlType.Q4_0;
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
            for (int r = 0; r < rowCount; r++) {
                dot(w, off0 + r * packedRowBytes, x, b, scratch.accs, r * BlockInterleave.GROUP_BLOCKS);
            }
            VectorKernels.sumRows(scratch.accs, rowCount, out, b * rows + row);
        }
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
    private InterleavedRows packed() {
        InterleavedRows p = packed;
        if (p == null) {
            synchronized (this) {
                p = packed;
                if (p == null) {
                    packed = p = InterleavedRows.pack(data, rowBytes, rows, blocks, type() == GgmlType.Q4_0);
                }
            }
        }
        return p;
    }
}
