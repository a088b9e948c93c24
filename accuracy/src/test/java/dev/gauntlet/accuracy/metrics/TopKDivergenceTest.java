package dev.gauntlet.accuracy.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/** The top-k approximation of KL: exact with every token listed, a lower bound otherwise. */
class TopKDivergenceTest {

    private static Map<Integer, Double> logprobs(double... p) {
        Map<Integer, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < p.length; i++) {
            m.put(i, Math.log(p[i]));
        }
        return m;
    }

    @Test
    void withEveryTokenListedItIsTheExactDivergence() {
        assertEquals(0.25 * Math.log(2), TopKDivergence.lowerBound(logprobs(0.5, 0.25, 0.25), logprobs(0.25, 0.5, 0.25)), 1e-12);
    }

    @Test
    void unlistedTokensMergeIntoOneBucket() {
        // Listed: token 0 only. Buckets: {0} and the rest: [0.5, 0.5] vs [0.25, 0.75].
        Map<Integer, Double> ref = Map.of(0, Math.log(0.5));
        Map<Integer, Double> cand = Map.of(0, Math.log(0.25));
        double expected = 0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75);
        assertEquals(expected, TopKDivergence.lowerBound(ref, cand), 1e-12);
    }

    @Test
    void neverExceedsTheExactDivergenceOnRandomDistributions() {
        RandomGenerator rnd = RandomGeneratorFactory.of("L64X128MixRandom").create(7);
        int vocab = 200;
        for (int trial = 0; trial < 50; trial++) {
            float[] ref = new float[vocab];
            float[] cand = new float[vocab];
            for (int i = 0; i < vocab; i++) {
                ref[i] = (float) (3 * rnd.nextGaussian());
                cand[i] = ref[i] + (float) (0.5 * rnd.nextGaussian());
            }
            int target = rnd.nextInt(vocab);
            TokenComparison exact = DenseComparison.compare(DenseComparison.reference(ref, 0, vocab), cand, 0, target);
            double refZ = LogSoftmax.logSumExp(ref, 0, vocab);
            double candZ = LogSoftmax.logSumExp(cand, 0, vocab);
            for (int k : new int[] {1, 5, 20}) {
                SparseDistribution<Integer> r = top(ref, refZ, k, target);
                SparseDistribution<Integer> c = top(cand, candZ, k, target);
                TokenComparison approx = SparseComparison.compare(r, c);
                assertTrue(approx.kld() <= exact.kld() + 1e-9, "top-" + k + " " + approx.kld() + " > exact " + exact.kld());
                assertEquals(exact.nllReference(), approx.nllReference(), 1e-9);
                assertEquals(exact.nllCandidate(), approx.nllCandidate(), 1e-9);
                assertEquals(exact.dpTarget(), approx.dpTarget(), 1e-9);
                assertEquals(exact.sameTop(), approx.sameTop());
            }
        }
    }

    private static SparseDistribution<Integer> top(float[] logits, double logZ, int k, int target) {
        var lp = dev.gauntlet.engine.sampling.Logprobs.of(logits, 0, logits.length, target, k);
        Map<Integer, Double> m = new LinkedHashMap<>();
        lp.top().forEach(t -> m.put(t.token(), t.logprob()));
        assertEquals(logits[target] - logZ, lp.logprob(), 1e-6);
        return new SparseDistribution<>(target, lp.logprob(), m);
    }
}
