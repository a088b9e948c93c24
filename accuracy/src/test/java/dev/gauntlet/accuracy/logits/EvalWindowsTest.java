package dev.gauntlet.accuracy.logits;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.accuracy.TinyModels;
import dev.gauntlet.accuracy.generation.GenerationMetrics;
import dev.gauntlet.accuracy.generation.GenerationPrompts;
import dev.gauntlet.engine.model.LoadedModel;
import dev.gauntlet.engine.synth.SyntheticModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Windows cut as llama-perplexity cuts them; greedy prompts and generation metrics. */
class EvalWindowsTest {
    @TempDir
    Path dir;

    @Test
    void windowsAreConsecutiveWithBosFirstAndScoreTheirSecondHalf() throws Exception {
        try (LoadedModel m = LoadedModel.load(TinyModels.write(dir), Optional.empty())) {
            var tok = m.tokenizer();
            String text = SyntheticModel.bundledText();
            int[] all = tok.encode(text, true, false);
            assertEquals(tok.bos(), all[0], "the synthetic vocabulary adds BOS");
            EvalWindows w = EvalWindows.of(tok, text, 100, 16);
            assertEquals(6, w.windows().length, "⌊100 / 16⌋ whole windows");
            assertEquals(all.length, w.textTokens());
            assertEquals(8, w.firstScored());
            assertEquals(7, w.scoredPerWindow());
            assertEquals(42, w.scoredTokens());
            for (int i = 0; i < 6; i++) {
                assertEquals(tok.bos(), w.windows()[i][0]);
                assertArrayEquals(Arrays.copyOfRange(all, i * 16 + 1, (i + 1) * 16),
                        Arrays.copyOfRange(w.windows()[i], 1, 16));
            }
            var e = assertThrows(IllegalArgumentException.class, () -> EvalWindows.of(tok, text, 10, 16));
            assertTrue(e.getMessage().contains("--tokens 10") && e.getMessage().contains("--ctx 16"), e.getMessage());

            int[][] prompts = GenerationPrompts.from(w, 3, 5);
            assertArrayEquals(Arrays.copyOf(w.windows()[0], 5), prompts[0]);
            assertArrayEquals(Arrays.copyOf(w.windows()[2], 5), prompts[1]);
            assertArrayEquals(Arrays.copyOf(w.windows()[4], 5), prompts[2]);
            assertThrows(IllegalArgumentException.class, () -> GenerationPrompts.from(w, 3, 17));
        }
    }

    @Test
    void generationMetricsCountExactMatchesAndFirstDivergences() {
        int[][] ref = {{1, 2, 3, 4}, {1, 2, 3, 4}, {5, 6, 7, 8}};
        int[][] cand = {{1, 2, 3, 4}, {1, 9, 3, 4}, {0, 6, 7, 0}};
        GenerationMetrics g = GenerationMetrics.compare(ref, cand, 7);
        assertEquals(100.0 / 3, g.exactMatchPct(), 1e-12);
        // First divergences: none (4), 1, 0.
        assertEquals(5.0 / 3, g.meanFirstDivergence(), 1e-12);
        assertEquals(100.0 * 9 / 12, g.tokenAgreementPct(), 1e-12);
        assertEquals(7, g.promptTokens());
    }
}
