package dev.gauntlet.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.gguf.GgufTensor;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Block encoders, their error bounds, and the quantizer and factory around them. */
class BlockCodecTest {
    private final Random rnd = new Random(11);

    @Test
    void q8RoundTripIsWithinHalfAStep() {
        float[] x = RandomMatrices.gaussian(rnd, 32 * 64, 3f);
        x[5] = 0f;
        float[] back = roundTrip(GgmlType.Q8_0, x);
        for (int blk = 0; blk < x.length / 32; blk++) {
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[blk * 32 + j]));
            }
            float d = amax / 127f;
            float stored = Float16.round(d);
            // Codes come from the exact d; the stored fp16 d moves each value by at most 127·|d − stored|.
            double bound = d / 2 + 127 * Math.abs(d - stored) + Math.ulp(amax);
            for (int j = 0; j < 32; j++) {
                int i = blk * 32 + j;
                assertTrue(Math.abs(x[i] - back[i]) <= bound, "element " + i);
            }
        }
    }

    @Test
    void q4RoundTripIsWithinOneStep() {
        float[] x = RandomMatrices.gaussian(rnd, 32 * 64, 3f);
        x[40] = -x[41];
        float[] back = roundTrip(GgmlType.Q4_0, x);
        for (int blk = 0; blk < x.length / 32; blk++) {
            float max = 0;
            for (int j = 0; j < 32; j++) {
                float v = x[blk * 32 + j];
                max = Math.abs(v) > Math.abs(max) ? v : max;
            }
            float d = Math.abs(max / -8f);
            double bound = d + 8 * Math.abs(d - Math.abs(Float16.round(max / -8f))) + Math.ulp(max);
            for (int j = 0; j < 32; j++) {
                int i = blk * 32 + j;
                assertTrue(Math.abs(x[i] - back[i]) <= bound, "element " + i);
            }
            int at = blk * 32;
            while (x[at] != max) {
                at++;
            }
            assertEquals(Float16.round(max / -8f) * -8f, back[at], "the extreme value maps to code 0 (−8·d)");
        }
    }

    @Test
    void knownBlocksEncodeAsLlamaCppDoes() {
        float[] x = new float[32];
        for (int j = 0; j < 32; j++) {
            x[j] = j - 16;
        }
        byte[] q8 = BlockCodec.encode(GgmlType.Q8_0, x);
        assertEquals(Float16.toBits(16f / 127f), (short) ((q8[0] & 0xFF) | q8[1] << 8));
        assertEquals(-127, q8[2]);
        // 7·127/16 = 55.5625 rounds to 56; −0.5-style halves round away from zero (roundf).
        assertEquals(56, q8[2 + 23]);
        byte[] q4 = BlockCodec.encode(GgmlType.Q4_0, x);
        assertEquals(Float16.toBits(2f), (short) ((q4[0] & 0xFF) | q4[1] << 8));
        // Element 0 (−16 → code 0) in the low nibble, element 16 (0 → code 8) in the high nibble.
        assertEquals(0x80, q4[2] & 0xFF);
        assertEquals(0xF8, q4[2 + 15] & 0xFF, "element 15 (−1·½ + 8.5 → 8) low, element 31 (15·½ + 8.5 → 16, clamped to 15) high");
    }

    @Test
    void zeroBlocksEncodeToZeroScale() {
        float[] zeros = new float[32];
        // Q4_0's scale is −0/8 = −0, so values read back as −0, as in llama.cpp: equal, not identical.
        assertArrayEquals(zeros, roundTrip(GgmlType.Q8_0, zeros), 0f);
        assertArrayEquals(zeros, roundTrip(GgmlType.Q4_0, zeros), 0f);
    }

    @Test
    void bf16RoundsToNearestEvenAndKeepsNaN() {
        assertEquals((short) 0x3F80, BlockCodec.toBf16(1f));
        assertEquals((short) 0x3F80, BlockCodec.toBf16(Float.intBitsToFloat(0x3F808000)), "tie to even (down)");
        assertEquals((short) 0x3F82, BlockCodec.toBf16(Float.intBitsToFloat(0x3F818000)), "tie to even (up)");
        assertEquals((short) 0x3F81, BlockCodec.toBf16(Float.intBitsToFloat(0x3F808001)));
        assertTrue(Float.isNaN(BlockCodec.fromBf16(BlockCodec.toBf16(Float.intBitsToFloat(0x7F800001)))));
        assertEquals(Float.NEGATIVE_INFINITY, BlockCodec.fromBf16(BlockCodec.toBf16(Float.NEGATIVE_INFINITY)));
    }

    @Test
    void rejectsPartialBlocks() {
        assertThrows(IllegalArgumentException.class, () -> BlockCodec.encode(GgmlType.Q4_0, new float[33]));
        assertThrows(IllegalArgumentException.class,
                () -> WeightMatrices.of(GgmlType.Q8_0, 2, 48, MemorySegment.ofArray(new byte[200])));
    }

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void quantizerConvertsEveryTypeToEveryType(GgmlType from) {
        WeightMatrix src = RandomMatrices.matrix(from, 3, 64, 5);
        assertSame(src, Quantizer.quantize(src, from));
        float[] row = new float[64];
        for (GgmlType to : GgmlType.values()) {
            WeightMatrix dst = Quantizer.quantize(src, to);
            assertEquals(to, dst.type());
            assertEquals(to.bytesFor(3 * 64), dst.byteSize());
            for (int r = 0; r < 3; r++) {
                src.readRow(r, row, 0);
                float[] expected = roundTrip(to, row);
                float[] actual = new float[64];
                dst.readRow(r, actual, 0);
                assertArrayEquals(expected, actual, to + " row " + r);
            }
        }
    }

    @Test
    void factoryReadsOneDimensionalTensorsAsOneRowAndRejectsThreeDimensional() {
        MemorySegment data = MemorySegment.ofArray(BlockCodec.encode(GgmlType.F32, new float[] {1, 2, 3}));
        WeightMatrix v = WeightMatrices.of(new GgufTensor("norm", GgmlType.F32, new long[] {3}, data));
        assertEquals(1, v.rows());
        assertEquals(3, v.cols());
        float[] out = new float[1];
        v.matmul(new float[] {1, 1, 1}, out, 1);
        assertEquals(6f, out[0]);
        assertThrows(IllegalArgumentException.class,
                () -> WeightMatrices.of(new GgufTensor("cube", GgmlType.F32, new long[] {1, 3, 1, 2}, data)));
        assertThrows(IllegalArgumentException.class,
                () -> WeightMatrices.of(new GgufTensor("short", GgmlType.F32, new long[] {3, 2}, data)));
    }

    private static float[] roundTrip(GgmlType type, float[] x) {
        float[] back = new float[x.length];
        BlockCodec.decode(type, MemorySegment.ofArray(BlockCodec.encode(type, x)), 0, x.length, back, 0);
        return back;
    }
}
