package dev.gauntlet.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.tensor.BlockCodec;
import dev.gauntlet.engine.tensor.Float16;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * fp16 and bf16 conversions: the scalar helpers' edge cases, and the vector decoders of rows over
 * every bit pattern.
 */
class HalfFloatConversionTest {

    @Test
    void float16RoundsTiesToEven() {
        assertEquals((short) 0x3C00, Float16.toBits(1f + 0x1p-11f), "halfway between 1 and next: even is 1");
        assertEquals((short) 0x3C02, Float16.toBits(1f + 3 * 0x1p-11f), "halfway, even is above");
        assertEquals((short) 0x3C01, Float16.toBits(1f + 0x1p-11f + 0x1p-20f), "just above halfway");
        assertEquals((short) 0x7BFF, Float16.toBits(65504f));
        assertEquals((short) 0x7C00, Float16.toBits(65520f), "halfway to 65536 rounds to even: infinity");
        assertEquals((short) 0x7BFF, Float16.toBits(65519.996f));
    }

    @Test
    void float16Subnormals() {
        assertEquals((short) 0x0001, Float16.toBits(0x1p-24f), "smallest subnormal");
        assertEquals((short) 0x0000, Float16.toBits(0x1p-25f), "half the smallest rounds to even zero");
        assertEquals((short) 0x0002, Float16.toBits(3 * 0x1p-25f), "1.5 steps rounds to even 2");
        assertEquals((short) 0x03FF, Float16.toBits(0x3FFp-24f), "largest subnormal");
        assertEquals((short) 0x0400, Float16.toBits(0x1p-14f), "smallest normal");
        assertEquals((short) 0x8001, Float16.toBits(-0x1p-24f));
        assertEquals(0x1p-24f, Float16.toFloat((short) 1));
    }

    @Test
    void float16InfinityNaNAndSignedZero() {
        assertEquals((short) 0x7C00, Float16.toBits(Float.POSITIVE_INFINITY));
        assertEquals((short) 0xFC00, Float16.toBits(Float.NEGATIVE_INFINITY));
        assertEquals((short) 0xFC00, Float16.toBits(-1e6f), "overflow");
        assertTrue(Float.isNaN(Float16.round(Float.NaN)));
        assertEquals((short) 0x8000, Float16.toBits(-0f));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Float16.toFloat((short) 0x8000)));
    }

    @Test
    void vectorF16DecodeMatchesScalarForEveryBitPattern() {
        MemorySegment all = everyBitPattern();
        float[] out = new float[65536];
        VectorKernels.decodeF16(all, 0, 65536, out);
        for (int h = 0; h < 65536; h++) {
            float expected = Float16.toFloat((short) h);
            int hh = h;
            if (Float.isNaN(expected)) {
                // Java leaves NaN payload bits unspecified (the intrinsic sets the quiet bit): NaN is enough.
                assertTrue(Float.isNaN(out[h]), () -> String.format("fp16 0x%04x", hh));
                continue;
            }
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out[h]),
                    () -> String.format("fp16 0x%04x", hh));
        }
    }

    @Test
    void vectorBf16DecodeMatchesScalarForEveryBitPattern() {
        MemorySegment all = everyBitPattern();
        float[] out = new float[65536 + 3];
        // An odd offset and length exercise the scalar tail and unaligned loads.
        VectorKernels.decodeBf16(all, 2, 65535, out);
        for (int h = 1; h < 65536; h++) {
            assertEquals(Float.floatToRawIntBits(BlockCodec.fromBf16((short) h)), Float.floatToRawIntBits(out[h - 1]));
        }
    }

    @Test
    void activationQuantizationUsesLlamaCppScaleAndRounding() {
        float[] x = new float[64];
        Random rnd = new Random(2);
        for (int i = 0; i < 32; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        x[7] = -5f;
        Q8Activations q = ActivationQuantizer.quantizeQ8_0(x, 2, 32, GgmlType.Q8_0);
        assertEquals(Float16.round(5f / 127f), q.d()[0]);
        assertEquals(-127f, q.q()[7]);
        for (int i = 0; i < 32; i++) {
            assertEquals(Math.rint(x[i] * (127f / 5f)), q.q()[i], 0f);
        }
        assertEquals(0f, q.d()[1], "an all-zero block has scale 0");
        assertEquals(0f, q.q()[40]);
    }

    private static MemorySegment everyBitPattern() {
        MemorySegment all = MemorySegment.ofArray(new short[65536]);
        for (int h = 0; h < 65536; h++) {
            all.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 2L * h, (short) h);
        }
        return all;
    }
}
