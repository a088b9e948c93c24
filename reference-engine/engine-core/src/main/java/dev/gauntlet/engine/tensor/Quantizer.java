package dev.gauntlet.engine.tensor;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.kernel.Parallel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Converts weight matrices between types at load time ({@code --quant}); the block encoders
 * themselves are in {@link BlockCodec}.
 */
public final class Quantizer {
    private Quantizer() {
    }

    /**
     * {@code src} converted to {@code target}: each row is dequantized to floats and re-encoded
     * as llama-quantize would. The result owns fresh off-heap memory, freed when it is no longer
     * reachable. Returns {@code src} itself when it already has type {@code target}.
     *
     * @throws IllegalArgumentException if {@code target} is block-quantized and {@code src.cols()}
     *     is not a multiple of its block size
     */
    public static WeightMatrix quantize(WeightMatrix src, GgmlType target) {
        if (src.type() == target) {
            return src;
        }
        int rows = src.rows();
        int cols = src.cols();
        long rowBytes = target.bytesFor(cols);
        MemorySegment dst = Arena.ofAuto().allocate(rowBytes * rows, 64);
        Parallel.forRange(rows, 16, (start, end) -> {
            float[] row = new float[cols];
            for (int r = start; r < end; r++) {
                src.readRow(r, row, 0);
                BlockCodec.encode(target, row, 0, cols, dst, r * rowBytes);
            }
        });
        return WeightMatrices.of(target, rows, cols, dst);
    }
}
