package dev.gauntlet.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link VectorKernels#dotLanes}, as attention uses it: any length, summed by {@link VectorKernels#sumRows}. */
class DotLanesTest {

    @Test
    void lanesSumToTheDotProductForAnyLengthWithoutReadingPastTheRow() {
        Random rnd = new Random(5);
        for (int n : new int[] {1, 7, 16, 37, 64, 100}) {
            float[] x = new float[n + 3];
            float[] w = new float[n];
            for (int i = 0; i < n; i++) {
                x[3 + i] = (float) rnd.nextGaussian();
                w[i] = (float) rnd.nextGaussian();
            }
            // The row ends where the segment ends: a full-width read of the last vector would fail.
            MemorySegment row = MemorySegment.ofArray(w);
            float[] accs = VectorKernels.rowScratch();
            VectorKernels.dotLanes(row, 0, x, 3, n, accs, VectorKernels.L);
            VectorKernels.dotLanes(row, 0, x, 3, n, accs, 0);
            float[] out = new float[2];
            VectorKernels.sumRows(accs, 2, out, 0);
            double expected = 0;
            for (int i = 0; i < n; i++) {
                expected += (double) w[i] * x[3 + i];
            }
            assertEquals(expected, out[0], 1e-5 * n, "n = " + n);
            assertEquals(Float.floatToRawIntBits(out[0]), Float.floatToRawIntBits(out[1]), "n = " + n);
        }
    }
}
