package dev.gauntlet.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.kernel.ActivationQuantizer;
import dev.gauntlet.engine.kernel.Q8Activations;
import dev.gauntlet.engine.kernel.ScalarKernels;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Vector matmul against the scalar reference kernels and against dequantize-then-F32. */
class MatmulTest {
    private static final int ROWS = 37;

    static Stream<Arguments> shapes() {
        return Stream.of(GgmlType.values()).flatMap(type -> Stream.of(32, 96, 160, 352)
                .flatMap(cols -> Stream.of(1, 3, 8, 17).map(batch -> Arguments.of(type, cols, batch))));
    }

    @ParameterizedTest(name = "{0} cols={1} batch={2}")
    @MethodSource("shapes")
    void vectorMatchesScalarReference(GgmlType type, int cols, int batch) {
        WeightMatrix m = RandomMatrices.matrix(type, ROWS, cols, 31L * cols + batch);
        float[] x = RandomMatrices.gaussian(new Random(batch), batch * cols, 1f);
        float[] out = new float[batch * ROWS];
        m.matmul(x, out, batch);
        AbstractWeightMatrix am = (AbstractWeightMatrix) m;
        Q8Activations q8 = type.quantized() ? ActivationQuantizer.quantizeQ8_0(x, batch, cols, type) : null;
        float[] xr = type == GgmlType.F16 ? ActivationQuantizer.roundToF16(x, x.length) : x;
        for (int b = 0; b < batch; b++) {
            for (int r = 0; r < ROWS; r++) {
                long off = am.rowOffset(r);
                float expected = type.quantized()
                        ? ScalarKernels.dotQuantized(type, am.data(), off, cols / 32, q8, b)
                        : ScalarKernels.dotFloat(type, am.data(), off, xr, b * cols, cols);
                assertClose(expected, out[b * ROWS + r], magnitude(m, r, xr, b), type + " row " + r + " b " + b);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16"})
    void floatTypesHandleColumnsThatAreNotWholeVectors(GgmlType type) {
        for (int cols : new int[] {1, 7, 37, 100}) {
            WeightMatrix m = RandomMatrices.matrix(type, 5, cols, cols);
            float[] x = RandomMatrices.gaussian(new Random(cols), 2 * cols, 1f);
            float[] xr = type == GgmlType.F16 ? ActivationQuantizer.roundToF16(x, x.length) : x;
            float[] out = new float[10];
            m.matmul(x, out, 2);
            AbstractWeightMatrix am = (AbstractWeightMatrix) m;
            for (int i = 0; i < 10; i++) {
                int r = i % 5;
                float expected = ScalarKernels.dotFloat(type, am.data(), am.rowOffset(r), xr, i / 5 * cols, cols);
                assertClose(expected, out[i], magnitude(m, r, xr, i / 5), type + " cols " + cols);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q4_0"})
    void quantizedMatchesDequantizedF32WithSameInputRounding(GgmlType type) {
        int cols = 288;
        int batch = 5;
        WeightMatrix m = RandomMatrices.matrix(type, ROWS, cols, 7);
        float[] x = RandomMatrices.gaussian(new Random(3), batch * cols, 2f);
        Q8Activations q8 = ActivationQuantizer.quantizeQ8_0(x, batch, cols, type);
        float[] xDeq = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            xDeq[i] = q8.q()[i] * q8.d()[i / 32];
        }
        float[] out = new float[batch * ROWS];
        m.matmul(x, out, batch);
        float[] row = new float[cols];
        for (int r = 0; r < ROWS; r++) {
            m.readRow(r, row, 0);
            for (int b = 0; b < batch; b++) {
                double sum = 0;
                for (int c = 0; c < cols; c++) {
                    sum += (double) row[c] * xDeq[b * cols + c];
                }
                assertClose((float) sum, out[b * ROWS + r], magnitude(m, r, xDeq, b), "row " + r);
            }
        }
    }

    /**
     * Each input's outputs are bit-for-bit those of the input alone, whatever the batch size and
     * its place in it (first or later group of four, short last group, lone last input). Float
     * rows of 100 columns also leave a scalar tail after the vector loop.
     */
    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void everyInputGetsItsSoloResultExactlyInAnyBatch(GgmlType type) {
        for (int cols : type.quantized() ? new int[] {352} : new int[] {352, 100}) {
            WeightMatrix m = RandomMatrices.matrix(type, ROWS, cols, cols);
            float[] x = RandomMatrices.gaussian(new Random(cols), 17 * cols, 1f);
            float[][] solo = new float[17][ROWS];
            for (int b = 0; b < 17; b++) {
                m.matmul(java.util.Arrays.copyOfRange(x, b * cols, (b + 1) * cols), solo[b], 1);
            }
            for (int batch : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 17}) {
                for (int first = 0; first + batch <= 17; first += Math.max(1, 17 - batch)) {
                    float[] out = new float[batch * ROWS];
                    m.matmul(java.util.Arrays.copyOfRange(x, first * cols, (first + batch) * cols), out, batch);
                    for (int b = 0; b < batch; b++) {
                        assertArrayEquals(solo[first + b], java.util.Arrays.copyOfRange(out, b * ROWS, (b + 1) * ROWS),
                                type + " cols " + cols + ": input " + (first + b) + " at " + b + " of " + batch);
                    }
                }
            }
        }
    }

    /**
     * Matrices sharing an input (one rounding, one parallel loop over all their rows, its chunks
     * crossing from one matrix into the next) give each output the bits of its own matmul; a
     * mix of types falls back to one matmul each.
     */
    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void matricesSharingAnInputGetTheirOwnResultsExactly(GgmlType type) {
        int cols = 352;
        int[] rows = {400, 37, 700};
        WeightMatrix[] ms = new WeightMatrix[rows.length + 1];
        for (int i = 0; i < rows.length; i++) {
            ms[i] = RandomMatrices.matrix(type, rows[i], cols, 11L * i);
        }
        ms[rows.length] = RandomMatrices.matrix(type == GgmlType.F32 ? GgmlType.Q8_0 : GgmlType.F32, 9, cols, 5);
        for (int batch : new int[] {1, 3}) {
            float[] x = RandomMatrices.gaussian(new Random(batch), batch * cols, 1f);
            for (WeightMatrix[] group : new WeightMatrix[][] {java.util.Arrays.copyOf(ms, rows.length), ms}) {
                float[][] shared = new float[group.length][];
                for (int i = 0; i < group.length; i++) {
                    shared[i] = new float[batch * group[i].rows()];
                }
                WeightMatrix.matmul(group, x, shared, batch);
                for (int i = 0; i < group.length; i++) {
                    float[] alone = new float[batch * group[i].rows()];
                    group[i].matmul(x, alone, batch);
                    assertArrayEquals(alone, shared[i], type + " matrix " + i + " of " + group.length + ", batch " + batch);
                }
            }
        }
        assertThrows(IllegalArgumentException.class,
                () -> WeightMatrix.matmul(ms, new float[cols], new float[][] {new float[400]}, 1));
    }

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void rejectsShortBuffers(GgmlType type) {
        WeightMatrix m = RandomMatrices.matrix(type, 4, 64, 1);
        assertThrows(IllegalArgumentException.class, () -> m.matmul(new float[64], new float[8], 2));
        assertThrows(IllegalArgumentException.class, () -> m.matmul(new float[128], new float[4], 2));
        assertThrows(IndexOutOfBoundsException.class, () -> m.readRow(4, new float[64], 0));
    }

    /** Σ|w·x| for one output: the scale float rounding errors are relative to. */
    private static double magnitude(WeightMatrix m, int r, float[] x, int b) {
        float[] row = new float[m.cols()];
        m.readRow(r, row, 0);
        double sum = 0;
        for (int c = 0; c < row.length; c++) {
            sum += Math.abs((double) row[c] * x[b * m.cols() + c]);
        }
        return sum;
    }

    private static void assertClose(float expected, float actual, double magnitude, String what) {
        double tol = 1e-5 * magnitude + 1e-30;
        assertTrue(Math.abs(expected - actual) <= tol,
                () -> what + ": expected " + expected + " got " + actual + " (tolerance " + tol + ")");
        assertEquals(Float.isNaN(expected), Float.isNaN(actual));
    }
}
