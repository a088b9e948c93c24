package dev.gauntlet.accuracy.metrics;

import dev.gauntlet.engine.sampling.Sampler;

/**
 * Exact comparison of two full next-token distributions given as logit rows: the KL divergence
 * summed over the whole vocabulary, in double precision.
 */
public final class DenseComparison {
    private DenseComparison() {
    }

    /**
     * A reference row prepared once and compared with every candidate.
     *
     * @param logits the row's array (not copied)
     * @param offset where the row starts in it
     * @param logZ   its log-normaliser
     * @param top    its most likely token (the lowest id among equal maxima, as llama.cpp)
     */
    public record ReferenceRow(float[] logits, int offset, int vocab, double logZ, int top) {
        /** ln p_ref(token). */
        public double logprob(int token) {
            return logits[offset + token] - logZ;
        }
    }

    /** Prepares {@code logits[offset .. offset+vocab)} as a reference row. */
    public static ReferenceRow reference(float[] logits, int offset, int vocab) {
        return new ReferenceRow(logits, offset, vocab, LogSoftmax.logSumExp(logits, offset, vocab),
                Sampler.argmax(logits, offset, vocab));
    }

    /**
     * Compares the candidate row {@code logits[offset .. offset+vocab)} with {@code ref} at a
     * position whose true next token is {@code target}.
     */
    public static TokenComparison compare(ReferenceRow ref, float[] logits, int offset, int target) {
        int vocab = ref.vocab();
        if (target < 0 || target >= vocab) {
            throw new IllegalArgumentException("target token " + target + " outside the vocabulary of " + vocab);
        }
        double logZ = LogSoftmax.logSumExp(logits, offset, vocab);
        double kld = 0;
        for (int i = 0; i < vocab; i++) {
            double lr = ref.logits()[ref.offset() + i] - ref.logZ();
            double lc = logits[offset + i] - logZ;
            kld += Math.exp(lr) * (lr - lc);
        }
        // Rounding can leave a few ulps below zero for identical rows; KL itself never is.
        kld = Math.max(0, kld);
        double lrTarget = ref.logprob(target);
        double lcTarget = logits[offset + target] - logZ;
        double lcTop = logits[offset + ref.top()] - logZ;
        boolean sameTop = Sampler.argmax(logits, offset, vocab) == ref.top();
        return new TokenComparison(-lrTarget, -lcTarget, kld, sameTop,
                Math.exp(lcTarget) - Math.exp(lrTarget), Math.exp(lcTop) - Math.exp(ref.logprob(ref.top())));
    }
}
