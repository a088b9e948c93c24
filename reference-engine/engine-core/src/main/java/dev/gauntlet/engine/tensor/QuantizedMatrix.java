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
 * one-input kernel; a batch goes by tiles of two rows and up to four inputs. Both give an input
 * the same bits.
 */
abstract sealed class QuantizedMatrix extends AbstractWeightMatrix<Q8Activations> permits Q8_0Matrix, Q4_0Matrix {
    final int groups;
    private final int blocks;
    private final long packedRowBytes;
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

    /** The type's tile sums ({@link InterleavedKernels#sumQ8_0Tile}'s contract) over rows of {@code w}. */
    abstract void sumTile(MemorySegment w, long off0, long off1, Q8Activations x, int firstB, int count, float[] sums);

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
        if (batch == 1) {
            dotRows(w, off0, rowCount, x, 0, out, row, scratch);
            return;
        }
        long off1 = off0 + (rowCount - 1) * packedRowBytes; // a lone row is passed as both rows of the tile
        int b = 0;
        float[] sums = scratch.tileSums(InterleavedKernels.tileSumsLength(groups));
        float[] scales = scratch.rowScales(2 * groups * BlockInterleave.GROUP_BLOCKS);
        boolean q4 = type() == GgmlType.Q4_0;
        InterleavedKernels.rowScales(w, off0, groups, q4, scales, 0);
        InterleavedKernels.rowScales(w, off1, groups, q4, scales, groups * BlockInterleave.GROUP_BLOCKS);
        for (; batch - b >= 2; b += VectorKernels.GROUP) {
            int count = Math.min(VectorKernels.GROUP, batch - b);
            sumTile(w, off0, off1, x, b, count, sums);
            InterleavedKernels.scaleTile(scales, groups, x, b, count, sums, out, row, rowCount, rows, scratch.lanes);
        }
        if (b < batch) {
            // A lone last input streams the rows again (now cached) rather than fill a group.
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

    /** A lone input takes {@link VectorKernels#SUM_ROWS} rows per pass: their lanes are summed together. */
    @Override
    final int rowsPerPass(int batch) {
        return batch == 1 ? VectorKernels.SUM_ROWS : VectorKernels.TILE_ROWS;
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
