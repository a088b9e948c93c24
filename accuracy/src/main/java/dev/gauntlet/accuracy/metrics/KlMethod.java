package dev.gauntlet.accuracy.metrics;

/**
 * How the KL divergence was computed: exactly over the whole vocabulary, or as the
 * {@link TopKDivergence} lower bound from the top {@code k} log-probabilities (what an
 * OpenAI-compatible endpoint returns).
 *
 * @param topK 0 for exact, otherwise k
 */
public record KlMethod(int topK) {
    /** Exact, over the full vocabulary. */
    public static final KlMethod EXACT = new KlMethod(0);

    public KlMethod {
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be ≥ 0, got " + topK);
        }
    }

    /** The top-k lower bound. */
    public static KlMethod topK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("top-k must be ≥ 1, got " + k);
        }
        return new KlMethod(k);
    }

    /** Whether this is the exact method. */
    public boolean exact() {
        return topK == 0;
    }

    /** As written in results and tables. */
    public String describe() {
        return exact() ? "exact" : "top-" + topK + " lower bound";
    }
}
