package dev.gauntlet.accuracy.metrics;

import java.util.Map;

/**
 * KL divergence from only the top-k log-probabilities of each distribution: the divergence of the
 * two distributions coarse-grained onto the tokens listed by both, each on its own, plus one
 * bucket for all other tokens. Both sides' probabilities are known exactly on every bucket (the
 * "other" bucket holds 1 − the listed mass), and merging outcomes never increases a KL divergence
 * (data-processing inequality), so the result is a lower bound of the true KL divergence; it is
 * close when the listed tokens hold nearly all of the reference's mass.
 */
public final class TopKDivergence {
    /**
     * Smallest mass assumed for the candidate's "other" bucket: float rounding can make the listed
     * probabilities sum to 1 or a little above even when the reference still has mass left there.
     */
    static final double MIN_REST = 1e-10;

    private TopKDivergence() {
    }

    /** The coarse-grained KL(ref ‖ cand) in nats over the tokens listed in both maps plus the rest. */
    public static <K> double lowerBound(Map<K, Double> reference, Map<K, Double> candidate) {
        double kld = 0;
        double refListed = 0;
        double candListed = 0;
        for (Map.Entry<K, Double> e : reference.entrySet()) {
            Double lc = candidate.get(e.getKey());
            if (lc == null) {
                continue;
            }
            double lr = e.getValue();
            double pr = Math.exp(lr);
            kld += pr * (lr - lc);
            refListed += pr;
            candListed += Math.exp(lc);
        }
        double refRest = Math.max(0, 1 - refListed);
        double candRest = Math.max(MIN_REST, 1 - candListed);
        if (refRest > 0) {
            kld += refRest * Math.log(refRest / candRest);
        }
        return Math.max(0, kld);
    }
}
