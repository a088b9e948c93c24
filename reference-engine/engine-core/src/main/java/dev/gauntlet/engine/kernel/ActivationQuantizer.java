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
    private static final int G = BlockInterleave.GROUP_BLOCKS;

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
        int blocks = cols / BLOCK;
        int padded = BlockInterleave.groups(blocks) * G;
        float[] scales = new float[batch * padded];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(d, b * blocks, scales, b * padded, blocks);
        }
        return switch (weights) {
            case Q8_0 -> {
                float[] grouped = grouped(q, batch, blocks, padded);
                yield new Q8Activations(q, d, cols, batch, scales, grouped, toShorts(grouped), null, null);
            }
            case Q4_0 -> new Q8Activations(q, d, cols, batch, scales, null, null, nibblePairs(q, batch, blocks, padded),
                    laneOffsets(q, batch, blocks, padded));
            default -> throw new IllegalArgumentException("no Q8_0 input layout for " + weights + " weights");
        };
    }

    /** {@code q} interleaved as {@link Q8Activations#groupedQ} says. */
    private static float[] grouped(float[] q, int batch, int blocks, int padded) {
        float[] out = new float[batch * padded * BLOCK];
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < blocks; k++) {
                int to = (b * padded + k / G * G) * BLOCK + k % G;
                int from = (b * blocks + k) * BLOCK;
                for (int p = 0; p < BLOCK; p++) {
                    out[to + p * G] = q[from + p];
                }
            }
        }
        return out;
    }

    private static short[] toShorts(float[] values) {
        short[] out = new short[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (short) values[i];
        }
        return out;
    }

    /** {@code q} as 16-bit integers laid out as {@link Q8Activations#nibblePairs} says. */
    private static short[] nibblePairs(float[] q, int batch, int blocks, int padded) {
        short[] out = new short[batch * padded * BLOCK];
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < blocks; k++) {
                int group = (b * padded + k / G * G) * BLOCK;
                int from = (b * blocks + k) * BLOCK;
                for (int p = 0; p < BLOCK; p++) {
                    int packedByte = p % (BLOCK / 2);
                    int high = p / (BLOCK / 2);
                    int at = group + packedByte / 2 * 4 * G + high * 2 * G + packedByte % 2 * G + k % G;
                    out[at] = (short) q[from + p];
                }
            }
        }
        return out;
    }

    /** The Q4_0 kernels' starting lane sums, laid out as {@link Q8Activations#laneOffsets} says. */
    private static short[] laneOffsets(float[] q, int batch, int blocks, int padded) {
        short[] out = new short[batch * 2 * padded];
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < blocks; k++) {
                int at = b * 2 * padded + k / G * 2 * G + k % G;
                int from = (b * blocks + k) * BLOCK;
                for (int p = 0; p < BLOCK; p++) {
                    // Lane h·G + j adds block j's positions of parity h: both nibbles of its bytes 2k+h.
                    out[at + p % 2 * G] -= (short) (8 * (int) q[from + p]);
                }
            }
        }
        return out;
    }
}
