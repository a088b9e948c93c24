package dev.gauntlet.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.kv.BlockTable;
import dev.gauntlet.engine.kv.PagedKvCache;
import dev.gauntlet.engine.synth.ModelShape;
import dev.gauntlet.engine.synth.SyntheticModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LlamaModelTest {
    @TempDir
    static Path dir;
    static LoadedModel f32;

    @BeforeAll
    static void writeModel() throws Exception {
        Path file = dir.resolve("tiny.gguf");
        SyntheticModel.write(ModelShape.TINY, GgmlType.F32, 11, file);
        f32 = LoadedModel.load(file, Optional.empty());
    }

    @AfterAll
    static void close() {
        f32.close();
    }

    private static int[] randomTokens(int n, long seed, int vocab) {
        Random r = new Random(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = r.nextInt(vocab);
        }
        return t;
    }

    private static PagedKvCache cache(LlamaModel m) {
        return m.newKvCache(8L << 20, 16);
    }

    private static float[] row(float[] all, int row, int vocab) {
        return Arrays.copyOfRange(all, row * vocab, (row + 1) * vocab);
    }

    @Test
    void aStepReadsEveryMatrixOnceAndMultipliesEachWeightOncePerToken() {
        LlamaConfig c = f32.model().config();
        long perLayer = 2L * c.dim() * c.dim() + 2L * c.dim() * c.kvDim() + 3L * c.dim() * c.hiddenDim();
        long multiplyAdds = c.layers() * perLayer + (long) c.vocab() * c.dim();
        assertEquals(multiplyAdds, f32.model().weights().multiplyAddsPerToken());
        assertEquals(Float.BYTES * multiplyAdds, f32.model().weights().bytesPerStep());
    }

    @Test
    void f32ForwardMatchesFloat64Reference() {
        LlamaModel m = f32.model();
        int vocab = m.config().vocab();
        int[] tokens = randomTokens(40, 1, vocab);
        double[][] expected = new ReferenceLlama(m.config(), m.weights()).logits(tokens);
        PagedKvCache cache = cache(m);
        BlockTable t = new BlockTable();
        cache.ensureCapacity(t, tokens.length);
        float[] logits = m.forward(List.of(new SequenceChunk(t, tokens, 0, true)), cache)[0];
        for (int p = 0; p < tokens.length; p++) {
            double err = 0;
            double norm = 0;
            for (int i = 0; i < vocab; i++) {
                double d = logits[p * vocab + i] - expected[p][i];
                err += d * d;
                norm += expected[p][i] * expected[p][i];
            }
            double rel = Math.sqrt(err / norm);
            assertTrue(rel < 1e-4, "position " + p + ": relative error " + rel);
        }
    }

    @Test
    void chunkedPrefillAndDecodeGiveTheSameLogitsAsOnePrefill() {
        LlamaModel m = f32.model();
        int vocab = m.config().vocab();
        int[] tokens = randomTokens(37, 2, vocab);
        PagedKvCache cache = cache(m);
        BlockTable whole = new BlockTable();
        cache.ensureCapacity(whole, tokens.length);
        float[] all = m.forward(List.of(new SequenceChunk(whole, tokens, 0, true)), cache)[0];

        BlockTable pieces = new BlockTable();
        cache.ensureCapacity(pieces, tokens.length);
        int pos = 0;
        for (int len : new int[] {5, 16, 1, 1, 14}) {
            int[] chunk = Arrays.copyOfRange(tokens, pos, pos + len);
            float[] last = m.forward(List.of(new SequenceChunk(pieces, chunk, pos, false)), cache)[0];
            pos += len;
            assertArrayEquals(row(all, pos - 1, vocab), last, 1e-5f, "after " + pos + " tokens");
        }
        cache.release(whole);
        cache.release(pieces);
        assertTrue(cache.usedBlocks() == 0);
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0"})
    void sequencesInOneBatchGetExactlyTheirSoloLogits(GgmlType quant) throws Exception {
        try (LoadedModel loaded = LoadedModel.load(f32.path(), Optional.of(quant))) {
            LlamaModel m = loaded.model();
            int vocab = m.config().vocab();
            PagedKvCache cache = cache(m);
            List<int[]> prompts = new ArrayList<>();
            List<float[]> solo = new ArrayList<>();
            for (int s = 0; s < 6; s++) {
                int[] p = randomTokens(3 + 7 * s, 100 + s, vocab);
                prompts.add(p);
                BlockTable t = new BlockTable();
                cache.ensureCapacity(t, p.length);
                solo.add(m.forward(List.of(new SequenceChunk(t, p, 0, false)), cache)[0]);
                cache.release(t);
            }
            List<SequenceChunk> batch = new ArrayList<>();
            for (int[] p : prompts) {
                BlockTable t = new BlockTable();
                cache.ensureCapacity(t, p.length);
                batch.add(new SequenceChunk(t, p, 0, false));
            }
            float[][] batched = m.forward(batch, cache);
            for (int s = 0; s < prompts.size(); s++) {
                assertArrayEquals(solo.get(s), batched[s], quant + " sequence " + s);
            }
        }
    }

    @Test
    void badTokenIdsAndPositionsAreRejectedClearly() {
        LlamaModel m = f32.model();
        PagedKvCache cache = cache(m);
        BlockTable t = new BlockTable();
        cache.ensureCapacity(t, 4);
        String msg = assertThrows(IllegalArgumentException.class,
                () -> m.forward(List.of(new SequenceChunk(t, new int[] {1, 99999}, 0, false)), cache)).getMessage();
        assertTrue(msg.contains("99999"), msg);
        assertThrows(IllegalStateException.class,
                () -> m.forward(List.of(new SequenceChunk(t, new int[] {1}, 100, false)), cache));
    }
}
