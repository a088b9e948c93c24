package dev.gauntlet.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The two implementations of the lane-sum tree agree bit for bit: batch invariance depends on it. */
class LaneSumsTest {

    @Test
    void sumRowsAddsEachRowAsSumLanesDoes() {
        int lanes = BlockInterleave.GROUP_BLOCKS;
        Random rnd = new Random(11);
        for (int count = 1; count <= VectorKernels.SUM_ROWS; count++) {
            float[] accs = VectorKernels.rowScratch();
            for (int i = 0; i < accs.length; i++) {
                // Magnitudes spread over many binades, so that another order would round differently.
                accs[i] = (float) (rnd.nextGaussian() * Math.pow(2, rnd.nextInt(40) - 20));
            }
            float[] expected = new float[count];
            for (int r = 0; r < count; r++) {
                float[] row = java.util.Arrays.copyOfRange(accs, r * lanes, (r + 1) * lanes);
                expected[r] = VectorKernels.sumLanes(row, 0);
            }
            float[] out = new float[count + 2];
            VectorKernels.sumRows(accs, count, out, 1);
            for (int r = 0; r < count; r++) {
                assertEquals(Float.floatToRawIntBits(expected[r]), Float.floatToRawIntBits(out[1 + r]),
                        "row " + r + " of " + count);
            }
            assertEquals(0f, out[0]);
            assertEquals(0f, out[count + 1]);
        }
    }
}
