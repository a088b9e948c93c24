package dev.gauntlet.engine.tensor;

import dev.gauntlet.engine.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

/** Random weights and inputs for kernel tests. */
final class RandomMatrices {
    private RandomMatrices() {
    }

    static float[] gaussian(Random rnd, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian() * scale;
        }
        return v;
    }

    /** A {@code rows × cols} matrix of {@code type} encoded from Gaussian values. */
    static WeightMatrix matrix(GgmlType type, int rows, int cols, long seed) {
        float[] values = gaussian(new Random(seed), rows * cols, 0.5f);
        MemorySegment data = Arena.ofAuto().allocate(type.bytesFor((long) rows * cols));
        BlockCodec.encode(type, values, 0, values.length, data, 0);
        return WeightMatrices.of(type, rows, cols, data);
    }
}
