package dev.gauntlet.engine.tensor;

import dev.gauntlet.engine.kernel.VectorKernels;
import java.lang.foreign.MemorySegment;

/**
 * Per-thread buffers the rows of one tile ({@link VectorKernels#TILE_ROWS} rows) are decoded into
 * once before they meet every vector of a batch: slot {@code r} holds the tile's row {@code r}.
 */
final class RowScratch {
    final float[][] values = new float[VectorKernels.TILE_ROWS][0];
    final MemorySegment[] valuesSegment = new MemorySegment[VectorKernels.TILE_ROWS];
    final float[] lanes = VectorKernels.laneScratch();
    final float[] accs = VectorKernels.rowScratch();
    private float[] tileSums = new float[0];
    private float[] rowScales = new float[0];

    RowScratch ensure(int cols) {
        for (int r = 0; r < values.length; r++) {
            if (values[r].length < cols) { // always so on first use: the arrays start empty
                values[r] = new float[cols];
                valuesSegment[r] = MemorySegment.ofArray(values[r]);
            }
        }
        return this;
    }

    /** A buffer of at least {@code length} floats for a quantized block's group sums. */
    float[] tileSums(int length) {
        return tileSums = atLeast(tileSums, length);
    }

    /** A buffer of at least {@code length} floats for a quantized block's row scales. */
    float[] rowScales(int length) {
        return rowScales = atLeast(rowScales, length);
    }

    private static float[] atLeast(float[] buffer, int length) {
        return buffer.length < length ? new float[length] : buffer;
    }
}
