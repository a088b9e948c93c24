package dev.gauntlet.engine.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplerTest {
    private static final int VOCAB = 1000;
    private static final int[] NONE = {};

    private static float[] randomRow(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] row = new float[n];
        for (int i = 0; i < n; i++) {
            row[i] = (float) (r.nextGaussian() * 3);
        }
        return row;
    }

    private static int[] run(SamplingParams p, int steps) {
        Sampler s = new Sampler(p);
        int[] out = new int[steps];
        for (int i = 0; i < steps; i++) {
            out[i] = s.sample(randomRow(i, VOCAB), 0, VOCAB, NONE);
        }
        return out;
    }

    @Test
    void greedyIsArgmaxWithLowestIdOnTies() {
        float[] row = new float[VOCAB + 5];
        row[5 + 17] = 2f;
        row[5 + 400] = 2f;
        row[5 + 3] = 1.5f;
        Sampler s = new Sampler(SamplingParams.greedy(1));
        assertEquals(17, s.sample(row, 5, VOCAB, NONE));
        assertEquals(400, s.sample(row, 5, VOCAB, new int[] {17}));
    }

    @Test
    void sameSeedSameTokensDifferentSeedsDiffer() {
        SamplingParams a = SamplingParams.builder().temperature(1.0).seed(42L).build();
        SamplingParams b = a.toBuilder().seed(43L).build();
        assertArrayEquals(run(a, 200), run(a, 200));
        assertTrue(!java.util.Arrays.equals(run(a, 200), run(b, 200)), "different seeds gave the same 200 tokens");
    }

    @Test
    void topKOneEqualsGreedy() {
        SamplingParams k1 = SamplingParams.builder().temperature(1.5).topK(1).seed(7L).build();
        int[] sampled = run(k1, 100);
        for (int i = 0; i < 100; i++) {
            assertEquals(Sampler.argmax(randomRow(i, VOCAB), 0, VOCAB), sampled[i]);
        }
    }

    @Test
    void topKKeepsOnlyTheKMostLikely() {
        float[] row = randomRow(99, VOCAB);
        int[] top5 = TopTokens.largest(row, 0, VOCAB, 5);
        Sampler s = new Sampler(SamplingParams.builder().temperature(5).topK(5).seed(1L).build());
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int i = 0; i < 2000; i++) {
            seen.add(s.sample(row, 0, VOCAB, NONE));
        }
        java.util.Set<Integer> expected = new java.util.HashSet<>();
        for (int id : top5) {
            expected.add(id);
        }
        assertEquals(expected, seen); // high temperature: all five show up, nothing else
    }

    @Test
    void topPRestrictsToTheNucleusWithTheRightFrequencies() {
        // Probabilities 0.5, 0.3, 0.1, then 0.1 spread over the rest of the vocabulary.
        float[] row = new float[VOCAB];
        double rest = 0.1 / (VOCAB - 3);
        for (int i = 0; i < VOCAB; i++) {
            row[i] = (float) Math.log(rest);
        }
        row[10] = (float) Math.log(0.5);
        row[20] = (float) Math.log(0.3);
        row[30] = (float) Math.log(0.1);
        Sampler s = new Sampler(SamplingParams.builder().temperature(1).topP(0.85).seed(5L).build());
        int[] counts = new int[VOCAB];
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            counts[s.sample(row, 0, VOCAB, NONE)]++;
        }
        // Nucleus for 0.85 is {10, 20, 30} (0.5 + 0.3 < 0.85 ≤ 0.9), renormalised by 0.9.
        assertEquals(n, counts[10] + counts[20] + counts[30]);
        assertEquals(0.5 / 0.9, counts[10] / (double) n, 0.02);
        assertEquals(0.3 / 0.9, counts[20] / (double) n, 0.02);
        assertEquals(0.1 / 0.9, counts[30] / (double) n, 0.02);
    }

    @Test
    void nucleusLargerThanTheFirstCandidateBatchIsFound() {
        float[] row = new float[VOCAB]; // uniform: the 0.5 nucleus needs 500 tokens
        Sampler s = new Sampler(SamplingParams.builder().temperature(1).topP(0.5).seed(3L).build());
        int max = 0;
        for (int i = 0; i < 5000; i++) {
            int t = s.sample(row, 0, VOCAB, NONE);
            assertTrue(t < 500, "token " + t + " outside the nucleus");
            max = Math.max(max, t);
        }
        assertTrue(max > 400, "the nucleus was cut short: max " + max);
    }

    @Test
    void plainSamplingFollowsTheSoftmax() {
        float[] row = new float[4];
        row[1] = (float) Math.log(3); // p = 3/6 for id 1, 1/6 for the others
        Sampler s = new Sampler(SamplingParams.builder().temperature(1).seed(11L).build());
        int[] counts = new int[4];
        int n = 30_000;
        for (int i = 0; i < n; i++) {
            counts[s.sample(row, 0, 4, NONE)]++;
        }
        assertEquals(0.5, counts[1] / (double) n, 0.015);
        assertEquals(1 / 6.0, counts[3] / (double) n, 0.015);
    }

    @Test
    void suppressedTokensAreNeverSampled() {
        float[] row = new float[8];
        row[2] = 50;
        Sampler s = new Sampler(SamplingParams.builder().temperature(1).seed(1L).build());
        for (int i = 0; i < 200; i++) {
            assertNotEquals(2, s.sample(row, 0, 8, new int[] {2}));
        }
        assertEquals(50f, row[2]); // the caller's row is untouched
    }

    @Test
    void logprobsAreANormalisedLogSoftmaxWithConsistentTopAndRank() {
        float[] row = randomRow(5, VOCAB);
        double total = 0;
        for (int i = 0; i < VOCAB; i++) {
            total += Math.exp(Logprobs.of(row, 0, VOCAB, i, 0).logprob());
        }
        assertEquals(1.0, total, 1e-9);

        int[] order = TopTokens.largest(row, 0, VOCAB, VOCAB);
        int third = order[2];
        TokenLogprobs lp = Logprobs.of(row, 0, VOCAB, third, 5);
        assertEquals(3, lp.rank());
        assertEquals(5, lp.top().size());
        assertEquals(third, lp.top().get(2).token());
        assertEquals(lp.logprob(), lp.top().get(2).logprob(), 0);
        for (int i = 1; i < 5; i++) {
            assertTrue(lp.top().get(i - 1).logprob() >= lp.top().get(i).logprob());
        }
        // Shifting all logits changes nothing: logprobs are of the raw distribution.
        float[] shifted = row.clone();
        for (int i = 0; i < VOCAB; i++) {
            shifted[i] += 100;
        }
        assertEquals(lp.logprob(), Logprobs.of(shifted, 0, VOCAB, third, 0).logprob(), 1e-4);
    }

    @Test
    void partialSelectionMatchesAFullSort() {
        float[] row = randomRow(8, 5000);
        row[10] = row[20] = 100; // a tie: lower id first
        Integer[] all = new Integer[5000];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        java.util.Arrays.sort(all, (a, b) -> row[a] != row[b] ? Float.compare(row[b], row[a]) : Integer.compare(a, b));
        int[] top = TopTokens.largest(row, 0, 5000, 37);
        for (int i = 0; i < 37; i++) {
            assertEquals(all[i], top[i]);
        }
        assertEquals(10, top[0]);
    }

    @Test
    void validationNamesTheParameter() {
        assertEquals("temperature must be a finite number ≥ 0, got NaN",
                assertThrows(IllegalArgumentException.class,
                        () -> SamplingParams.builder().temperature(Double.NaN).build()).getMessage());
        assertMessageStarts("top_k", () -> SamplingParams.builder().topK(-1).build());
        assertMessageStarts("top_p", () -> SamplingParams.builder().topP(0).build());
        assertMessageStarts("top_p", () -> SamplingParams.builder().topP(1.5).build());
        assertMessageStarts("max_tokens", () -> SamplingParams.builder().maxTokens(0).build());
        assertMessageStarts("min_tokens", () -> SamplingParams.builder().minTokens(-2).build());
        assertMessageStarts("min_tokens", () -> SamplingParams.builder().maxTokens(3).minTokens(4).build());
        assertMessageStarts("stop strings", () -> SamplingParams.builder().stop(List.of("")).build());
        assertMessageStarts("stop_token_ids", () -> SamplingParams.builder().stopTokenIds(List.of(-1)).build());
        assertMessageStarts("logprobs", () -> SamplingParams.builder().logprobs(21).build());
        assertMessageStarts("prompt_logprobs", () -> SamplingParams.builder().promptLogprobs(-1).build());
    }

    private static void assertMessageStarts(String prefix, org.junit.jupiter.api.function.Executable e) {
        String message = assertThrows(IllegalArgumentException.class, e).getMessage();
        assertTrue(message.startsWith(prefix), message);
    }
}
