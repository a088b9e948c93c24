package dev.gauntlet.engine.cuda.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.model.LlamaConfig;
import dev.gauntlet.engine.model.LoadedModel;
import dev.gauntlet.engine.model.LlamaWeights;
import dev.gauntlet.engine.synth.ModelShape;
import dev.gauntlet.engine.synth.SyntheticModel;
import dev.gauntlet.engine.tensor.BlockCodec;
import dev.gauntlet.engine.tensor.WeightMatrices;
import dev.gauntlet.engine.tensor.WeightMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The tensor-parallel split on the CPU, with the CPU's own kernels: column-parallel shards give
 * the whole product's rows, row-parallel shards add up to it, and a model's shards have the
 * shapes and bytes of its heads, hidden units and vocabulary slices.
 */
class TensorParallelPlanTest {
    private static final LlamaConfig SMALL = ModelShape.SMALL.config();

    @Test
    void splitsWholeHeadsHiddenBlocksAndTheVocabulary() {
        TensorParallelPlan plan = new TensorParallelPlan(SMALL, 2);
        assertEquals(SMALL.heads() / 2, plan.heads());
        assertEquals(SMALL.kvHeads() / 2, plan.kvHeads());
        assertEquals(SMALL.hiddenDim() / 2, plan.hiddenDim());
        assertEquals(plan.heads() * SMALL.headDim(), plan.attentionWidth());
        assertEquals(SMALL.kvDim() / 2, plan.kvDim());

        TensorParallelPlan three = new TensorParallelPlan(new LlamaConfig(96, 192, 1, 3, 3, 1000, 64, 1e-5f, 1e4f, 32, 1), 3);
        int next = 0;
        for (int r = 0; r < 3; r++) {
            assertEquals(next, three.vocabStart(r), "rank " + r);
            assertTrue(Math.abs(three.vocabRows(r) - 1000 / 3) <= 1, "rank " + r + " rows " + three.vocabRows(r));
            next += three.vocabRows(r);
        }
        assertEquals(1000, next, "every vocabulary row on one rank");
    }

    @Test
    void shapesThatDoNotSplitNameTheDimension() {
        assertMessage("at least 1", () -> new TensorParallelPlan(SMALL, 0));
        assertMessage("8 attention heads and 4 KV heads", () -> new TensorParallelPlan(SMALL, 8));
        assertMessage("feed-forward width 96",
                () -> new TensorParallelPlan(new LlamaConfig(128, 96, 1, 2, 2, 100, 64, 1e-5f, 1e4f, 64, 1), 2));
        assertMessage("heads of 16 values",
                () -> new TensorParallelPlan(new LlamaConfig(64, 256, 1, 4, 4, 100, 64, 1e-5f, 1e4f, 16, 1), 4));
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "Q8_0", "Q4_0"})
    void columnShardsGiveTheWholeRowsAndRowShardsAddUpToTheWholeProduct(GgmlType type) {
        int rows = 48;
        int cols = 256;
        WeightMatrix w = random(type, rows, cols, 1);
        float[] x = uniform(cols, 3);
        float[] whole = new float[rows];
        w.matmul(x, whole, 1);
        try (Arena arena = Arena.ofConfined()) {
            // Output rows split over 2 ranks: each rank's product is exactly its rows of the whole.
            for (int r = 0; r < 2; r++) {
                WeightMatrix part = TensorParallelPlan.rows(w, r * rows / 2, rows / 2);
                float[] out = new float[rows / 2];
                part.matmul(x, out, 1);
                for (int i = 0; i < out.length; i++) {
                    assertEquals(whole[r * rows / 2 + i], out[i], type + " rank " + r + " row " + i);
                }
            }
            // Input columns split over 4 ranks: the partial sums add up to the whole product.
            int width = cols / 4;
            float[] sum = new float[rows];
            for (int r = 0; r < 4; r++) {
                WeightMatrix part = TensorParallelPlan.columns(w, r * width, width, arena);
                assertEquals(type, part.type());
                float[] slice = java.util.Arrays.copyOfRange(x, r * width, (r + 1) * width);
                float[] out = new float[rows];
                part.matmul(slice, out, 1);
                for (int i = 0; i < rows; i++) {
                    sum[i] += out[i];
                }
            }
            for (int i = 0; i < rows; i++) {
                assertEquals(whole[i], sum[i], 1e-4 * (1 + Math.abs(whole[i])), type + " row " + i);
            }
            if (type.quantized()) {
                assertThrows(IllegalArgumentException.class, () -> TensorParallelPlan.columns(w, 16, 64, arena));
            }
        }
    }

    @Test
    void aModelShardHoldsItsHeadsHiddenUnitsAndVocabularySlice(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("small.gguf");
        SyntheticModel.write(ModelShape.SMALL, GgmlType.F32, 5, file);
        try (LoadedModel loaded = LoadedModel.load(file, Optional.of(GgmlType.Q8_0)); Arena arena = Arena.ofConfined()) {
            LlamaWeights full = loaded.model().weights();
            TensorParallelPlan plan = new TensorParallelPlan(SMALL, 2);
            assertSame(full, new TensorParallelPlan(SMALL, 1).shard(full, 0, arena));
            int dim = SMALL.dim();
            float[] expected = new float[dim];
            float[] actual = new float[dim];
            for (int rank = 0; rank < 2; rank++) {
                LlamaWeights shard = plan.shard(full, rank, arena);
                LlamaWeights.Layer whole = full.layers()[1];
                LlamaWeights.Layer part = shard.layers()[1];
                assertEquals(plan.attentionWidth(), part.wq().rows());
                assertEquals(plan.kvDim(), part.wk().rows());
                assertEquals(plan.kvDim(), part.wv().rows());
                assertEquals(plan.attentionWidth(), part.wo().cols());
                assertEquals(plan.hiddenDim(), part.gate().rows());
                assertEquals(plan.hiddenDim(), part.up().rows());
                assertEquals(plan.hiddenDim(), part.down().cols());
                assertEquals(plan.vocabRows(rank), shard.output().rows());
                assertSame(full.tokenEmbedding(), shard.tokenEmbedding());
                assertSame(whole.attnNorm(), part.attnNorm());
                // Rank r's first key row is the whole matrix's row r·kvDim/2; its attention-output
                // row i holds columns of the whole row i from its first head on.
                whole.wk().readRow(rank * plan.kvDim(), expected, 0);
                part.wk().readRow(0, actual, 0);
                assertArrayEquals(expected, actual, "rank " + rank + " key row 0");
                whole.wo().readRow(7, expected, 0);
                float[] slice = new float[plan.attentionWidth()];
                part.wo().readRow(7, slice, 0);
                assertArrayEquals(java.util.Arrays.copyOfRange(expected, rank * plan.attentionWidth(),
                        (rank + 1) * plan.attentionWidth()), slice, "rank " + rank + " attention-output row 7");
                full.output().readRow(plan.vocabStart(rank) + 3, expected, 0);
                shard.output().readRow(3, actual, 0);
                assertArrayEquals(expected, actual, "rank " + rank + " output row 3");
            }
        }
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static float[] uniform(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return v;
    }

    /** A {@code rows × cols} matrix of {@code type} holding uniform values in (-1, 1). */
    private static WeightMatrix random(GgmlType type, int rows, int cols, long seed) {
        byte[] bytes = BlockCodec.encode(type, uniform(rows * cols, seed));
        return WeightMatrices.of(type, rows, cols, Arena.ofAuto().allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, bytes));
    }
}
