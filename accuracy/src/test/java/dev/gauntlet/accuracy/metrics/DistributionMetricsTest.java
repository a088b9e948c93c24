package dev.gauntlet.accuracy.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The logit metrics on hand-made distributions whose KL divergence, perplexity, top-1 and Δp are known. */
class DistributionMetricsTest {

    /** Logits of the distribution {@code p}, shifted by {@code shift} (softmax does not see a shift). */
    private static float[] logits(double shift, double... p) {
        float[] l = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            l[i] = (float) (Math.log(p[i]) + shift);
        }
        return l;
    }

    private static TokenComparison compare(float[] ref, float[] cand, int target) {
        return DenseComparison.compare(DenseComparison.reference(ref, 0, ref.length), cand, 0, target);
    }

    @Test
    void klDivergenceOfTwoKnownDistributions() {
        // KL(p‖q) = ½ ln(½ / ¼) + ¼ ln(¼ / ½) + ¼ ln 1 = ¼ ln 2.
        TokenComparison t = compare(logits(3, 0.5, 0.25, 0.25), logits(-7, 0.25, 0.5, 0.25), 2);
        assertEquals(0.25 * Math.log(2), t.kld(), 1e-7);
        // And the other way round: KL(q‖p) = ¼ ln ½ + ½ ln 2 = ¼ ln 2 as well, by symmetry of this pair.
        assertEquals(0.25 * Math.log(2), compare(logits(0, 0.25, 0.5, 0.25), logits(0, 0.5, 0.25, 0.25), 0).kld(), 1e-7);
        // A less symmetric pair: KL([0.9, 0.1] ‖ [0.6, 0.4]) = 0.9 ln 1.5 + 0.1 ln 0.25.
        assertEquals(0.9 * Math.log(1.5) + 0.1 * Math.log(0.25), compare(logits(0, 0.9, 0.1), logits(0, 0.6, 0.4), 0).kld(), 1e-7);
    }

    @Test
    void identicalRowsHaveZeroDivergenceAndNoΔp() {
        float[] row = logits(1, 0.1, 0.2, 0.3, 0.4);
        TokenComparison t = compare(row, row.clone(), 1);
        assertEquals(0, t.kld());
        assertEquals(0, t.dpTarget());
        assertEquals(0, t.dpTop());
        assertTrue(t.sameTop());
    }

    @Test
    void perplexityOfAUniformDistributionIsTheVocabularySize() {
        int vocab = 1000;
        float[] uniform = new float[vocab];
        Arrays.fill(uniform, 0.37f);
        LogitStats stats = new LogitStats();
        for (int target = 0; target < 50; target++) {
            stats.add(compare(uniform, uniform, target * 7));
        }
        LogitMetrics m = stats.summary();
        assertEquals(vocab, m.pplReference(), 1e-6);
        assertEquals(vocab, m.pplCandidate(), 1e-6);
        assertEquals(0, m.deltaPplPct(), 1e-9);
        assertEquals(0, m.kldMean());
        assertEquals(100, m.top1Pct());
    }

    @Test
    void deltaPplTopOneAndRmsΔpOfKnownCandidates() {
        // Reference: uniform over 4 tokens (PPL 4). Candidate: ½ on the true token 0, ⅙ elsewhere (PPL 2).
        float[] ref = logits(0, 0.25, 0.25, 0.25, 0.25);
        float[] cand = logits(0, 0.5, 1.0 / 6, 1.0 / 6, 1.0 / 6);
        LogitStats stats = new LogitStats();
        for (int i = 0; i < 20; i++) {
            stats.add(compare(ref, cand, 0));
        }
        // Reference top token (lowest id among equals): 0, the candidate's too.
        float[] flipped = logits(0, 0.1, 0.6, 0.2, 0.1);
        for (int i = 0; i < 20; i++) {
            stats.add(compare(ref, flipped, 0));
        }
        LogitMetrics m = stats.summary();
        assertEquals(40, m.tokens());
        assertEquals(4, m.pplReference(), 1e-6);
        // Candidate NLL: 20 × ln 2 + 20 × ln 10, so PPL = exp((ln 2 + ln 10) / 2) = sqrt(20).
        assertEquals(Math.sqrt(20), m.pplCandidate(), 1e-5);
        assertEquals(100 * (Math.sqrt(20) / 4 - 1), m.deltaPplPct(), 1e-4);
        assertEquals(50, m.top1Pct(), 1e-12);
        // Δp of the true token: +0.25 twenty times, −0.15 twenty times.
        assertEquals(100 * Math.sqrt((0.25 * 0.25 + 0.15 * 0.15) / 2), m.rmsDpPct(), 1e-5);
        // The reference's top token is token 0, the true token, so Δp_top is the same here.
        assertEquals(m.rmsDpPct(), m.rmsDpTopPct(), 1e-9);
        assertEquals(25, m.maxAbsDpPct(), 1e-5);
    }

    @Test
    void Δp_topFollowsTheReferencesMostLikelyTokenNotTheTrueOne() {
        // Reference puts 0.7 on token 1; candidate 0.4 there. The true token 0 keeps 0.1 in both.
        TokenComparison t = compare(logits(0, 0.1, 0.7, 0.2), logits(0, 0.1, 0.4, 0.5), 0);
        assertEquals(0, t.dpTarget(), 1e-7);
        assertEquals(-0.3, t.dpTop(), 1e-7);
        assertFalse(t.sameTop());
    }

    @Test
    void klOrderStatisticsFollowLlamaCpp() {
        LogitStats stats = new LogitStats();
        float[] ref = logits(0, 0.5, 0.5);
        // KL([½,½] ‖ [q,1−q]) = −½ ln(4q(1−q)); add 101 values for q = 0.5 .. 0.99.
        double[] expected = new double[101];
        for (int i = 0; i <= 100; i++) {
            double q = 0.5 + 0.49 * i / 100;
            expected[i] = -0.5 * Math.log(4 * q * (1 - q));
            stats.add(compare(ref, logits(0, q, 1 - q), 0));
        }
        LogitMetrics m = stats.summary();
        Arrays.sort(expected);
        assertEquals(expected[50], m.kldMedian(), 1e-6);
        assertEquals(expected[99], m.kldP99(), 1e-6);
        assertEquals(expected[100], m.kldMax(), 1e-6);
        assertEquals(Arrays.stream(expected).average().orElseThrow(), m.kldMean(), 1e-6);
        assertTrue(m.kldMeanUncertainty() > 0);
    }

    @Test
    void percentilesInterpolateAsLlamaCppDoes() {
        double[] sorted = {1, 2, 3, 4};
        assertEquals(2.5, Percentiles.median(sorted));
        assertEquals(3, Percentiles.median(new double[] {1, 3, 7}));
        assertEquals(1, Percentiles.percentile(sorted, 0));
        assertEquals(4, Percentiles.percentile(sorted, 1));
        // fraction·(n−1) = 0.99 · 3 = 2.97: 3 + 0.97 · (4 − 3).
        assertEquals(3.97, Percentiles.percentile(sorted, 0.99), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Percentiles.median(new double[0]));
    }

    @Test
    void anEmptySummaryIsRefused() {
        assertThrows(IllegalStateException.class, () -> new LogitStats().summary());
    }
}
