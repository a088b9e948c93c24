package dev.gauntlet.engine.kernel;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.tensor.Float16;

/**
 * Rounds matmul inputs as llama.cpp's CPU backend does before a dot product with F16, Q8_0 or
 * Q4_0 weights, once per matmul call for the whole batch.
 */
public final class ActivationQuantizer {
    /** Elements per Q8_0 block. */
    public static final int BLOCK = 32;

    private ActivationQuantizer() {
    }

    /** The first {@code n} values of {@code x}, each rounded to the nearest fp16 value. */
    public static float[] roundToF16(float[] x, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = Float16.round(x[i]);
        }
        return out;
    }

    /**
     * Quantizes {@code batch} vectors of {@code cols} values ({@code cols} a multiple of 32) to
     * Q8_0 as llama.cpp's x86 SIMD {@code quantize_row_q8_0} does: {@code d = amax/127} stored
     * as fp16, {@code q = rint(x · 127/amax)} (ties to even); laid out for the kernels of
     * {@code weights} (Q8_0 or Q4_0).
     */
    public static Q8Activations quantizeQ8_0(float[] x, int batch, int cols, GgmlType weights) {
        if (cols % BLOCK != 0) {
            throw new IllegalArgumentException("Q8_0 needs a multiple of " + BLOCK + " columns, got " + cols);
        }
        int n = batch * cols;
        float[] q = new float[n];
        float[] d = new float[n / BLOCK];
        for (int blk = 0; blk < d.length; blk++) {
            int off = blk * BLOCK;
            float amax = 0f;
            for (int j = 0; j < BLOCK; j++) {
                amax = Math.max(amax, Math.abs(x[off + j]));
            }
            d[blk] = Float16.round(amax / 127f);
            float id = amax != 0f ? 127f / amax : 0f;
            for (int j = 0; j < BLOCK; j++) {
                q[off + j] = (float) Math.rint(x[off + j] * id);
            }
        }
        return switch (weights) {
            case Q8_0 -> new Q8Activations(q, d, cols, batch, VectorKernels.pairedOrder(q), toShorts(q), null);
            case Q4_0 -> new Q8Activations(q, d, cols, batch, q, null, VectorKernels.nibbleOffsets(q, batch, cols));
            default -> throw new IllegalArgumentException("no Q8_0 input layout for " + weights + " weights");
        };
    }

    private static short[] toShorts(float[] q) {
        short[] out = new short[q.length];
        for (int i = 0; i < q.length; i++) {
            out[i] = (short) q[i];
        }
        return out;
    }
}
