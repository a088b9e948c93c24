package dev.gauntlet.engine.kernel;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.tensor.BlockCodec;
import dev.gauntlet.engine.tensor.Float16;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Plain scalar dot products of one stored weight row with one input vector: the reference that
 * {@link VectorKernels} is tested against. Inputs are already rounded as the weight type needs.
 */
public final class ScalarKernels {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int BLOCK = ActivationQuantizer.BLOCK;

    private ScalarKernels() {
    }

    /**
     * Σ w[i]·x[xOffset+i] over {@code n} weights of float type {@code type} (F32, F16 or BF16)
     * stored at byte {@code offset} of {@code w}, summed in order.
     */
    public static float dotFloat(GgmlType type, MemorySegment w, long offset, float[] x, int xOffset, int n) {
        float[] row = new float[n];
        BlockCodec.decode(type, w, offset, n, row, 0);
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += row[i] * x[xOffset + i];
        }
        return sum;
    }

    /**
     * Q8_0 or Q4_0 weights ({@code blocks} blocks at byte {@code offset}) dotted with vector
     * {@code b} of {@code x}: an exact integer sum per block, scaled by both blocks' scales.
     */
    public static float dotQuantized(GgmlType type, MemorySegment w, long offset, int blocks, Q8Activations x, int b) {
        float sum = 0f;
        for (int k = 0; k < blocks; k++, offset += type.blockBytes()) {
            int xo = b * x.cols() + k * BLOCK;
            int isum = 0;
            for (int j = 0; j < BLOCK; j++) {
                isum += quant(type, w, offset, j) * (int) x.q()[xo + j];
            }
            sum += isum * (Float16.toFloat(w.get(I16, offset)) * x.d()[b * blocks + k]);
        }
        return sum;
    }

    /** The signed integer value of element {@code j} of the block at {@code offset}. */
    private static int quant(GgmlType type, MemorySegment w, long offset, int j) {
        if (type == GgmlType.Q8_0) {
            return w.get(ValueLayout.JAVA_BYTE, offset + 2 + j);
        }
        int packed = w.get(ValueLayout.JAVA_BYTE, offset + 2 + j % (BLOCK / 2));
        return (j < BLOCK / 2 ? packed & 0x0F : (packed >> 4) & 0x0F) - 8;
    }
}
