package dev.gauntlet.accuracy.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.tensor.WeightMatrices;
import dev.gauntlet.engine.tensor.WeightMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Weight SNR and max error on matrices whose conversion error is known exactly. */
class WeightErrorsTest {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** The Q8_0 step of these blocks: each block's largest |value| is 127 steps, so the fp16 scale is exact. */
    private static final float STEP = 1f / 64;

    private static WeightMatrix f32(int rows, int cols, float[] values) {
        MemorySegment seg = Arena.ofAuto().allocate((long) values.length * 4, 64);
        for (int i = 0; i < values.length; i++) {
            seg.set(F32, i * 4L, values[i]);
        }
        return WeightMatrices.of(GgmlType.F32, rows, cols, seg);
    }

    /** Two rows of one Q8_0 block each, every value a whole number of steps, ±127 steps present. */
    private static float[] onTheGrid() {
        float[] v = new float[64];
        for (int i = 0; i < v.length; i++) {
            v[i] = ((i * 37) % 255 - 127) * STEP;
        }
        v[0] = 127 * STEP;
        v[32] = -127 * STEP;
        return v;
    }

    private static double sumOfSquares(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return s;
    }

    @Test
    void valuesOnTheQ8GridConvertExactly() {
        TensorError e = WeightErrors.compare("w", f32(2, 32, onTheGrid()), GgmlType.Q8_0);
        assertEquals(0, e.noise());
        assertEquals(0, e.maxAbsError());
        assertNull(e.snrDb(), "an exact conversion has no finite SNR");
    }

    @Test
    void oneValueOffTheGridGivesItsOwnErrorAsTheOnlyNoise() {
        float[] v = onTheGrid();
        // A quarter step above a grid point rounds back to it: error exactly STEP/4, nothing else moves.
        v[5] = 10 * STEP + STEP / 4;
        TensorError e = WeightErrors.compare("w", f32(2, 32, v), GgmlType.Q8_0);
        double noise = (STEP / 4.0) * (STEP / 4.0);
        assertEquals(noise, e.noise(), 1e-18);
        assertEquals(STEP / 4.0, e.maxAbsError(), 1e-12);
        assertEquals(10 * Math.log10(sumOfSquares(v) / noise), e.snrDb(), 1e-9);
    }

    @Test
    void f16RoundsToItsTenBitMantissa() {
        float[] v = new float[8];
        java.util.Arrays.fill(v, 1f);
        // 1 + 2^-12 lies below half an F16 step (2^-11) above 1: it becomes 1, error 2^-12.
        v[3] = 1f + 0x1p-12f;
        TensorError e = WeightErrors.compare("w", f32(1, 8, v), GgmlType.F16);
        assertEquals(0x1p-12, e.maxAbsError(), 0);
        assertEquals(10 * Math.log10(sumOfSquares(v) / 0x1p-24), e.snrDb(), 1e-9);
    }

    @Test
    void overallSnrPoolsSignalAndNoiseAcrossTensors() {
        WeightErrors errors = new WeightErrors("q8_0", List.of(
                new TensorError("a", "f32", 1, 32, 100, 1, 0.5),
                new TensorError("b", "f32", 1, 32, 100, 0, 0),
                new TensorError("c", "f32", 1, 32, 1, 1, 2)));
        assertEquals(10 * Math.log10(201 / 2.0), errors.overallSnrDb(), 1e-12);
        assertEquals(0, errors.minSnrDb(), 1e-12);
        assertEquals(2, errors.maxAbsError());
    }
}
