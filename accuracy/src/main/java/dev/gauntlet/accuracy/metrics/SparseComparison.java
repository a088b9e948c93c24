package dev.gauntlet.accuracy.metrics;

/**
 * Compares two next-token distributions known only through their top-k log-probabilities (and the
 * true token's): what two OpenAI-compatible endpoints return as prompt logprobs. The perplexities
 * and Δp of the true token are exact; the KL divergence is {@link TopKDivergence}'s lower bound;
 * when the reference's most likely token is not listed by the candidate its probability there is
 * taken as 0 (it is below the candidate's k-th probability).
 */
public final class SparseComparison {
    private SparseComparison() {
    }

    /** The comparison at one position; both distributions must be for the same true token. */
    public static <K> TokenComparison compare(SparseDistribution<K> reference, SparseDistribution<K> candidate) {
        if (!reference.target().equals(candidate.target())) {
            throw new IllegalArgumentException("the two distributions are for different next tokens: "
                    + reference.target() + " and " + candidate.target());
        }
        K refTop = reference.mostLikely();
        Double candAtRefTop = candidate.top().get(refTop);
        double pCandAtRefTop = candAtRefTop == null ? 0 : Math.exp(candAtRefTop);
        return new TokenComparison(-reference.targetLogprob(), -candidate.targetLogprob(),
                TopKDivergence.lowerBound(reference.top(), candidate.top()),
                refTop.equals(candidate.mostLikely()),
                Math.exp(candidate.targetLogprob()) - Math.exp(reference.targetLogprob()),
                pCandAtRefTop - Math.exp(reference.top().get(refTop)));
    }
}
