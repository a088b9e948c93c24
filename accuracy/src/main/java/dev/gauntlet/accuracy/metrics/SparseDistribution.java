package dev.gauntlet.accuracy.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an OpenAI-style logprobs answer tells about one next-token distribution: the log-probability
 * of the true next token and those of the k most likely tokens. Keys identify tokens (token ids
 * in-process, token texts over HTTP).
 *
 * @param target         the true next token
 * @param targetLogprob  its log-probability
 * @param top            the most likely tokens and their log-probabilities, most likely first, with
 *                       the target added (last) when it is not among them
 * @param <K> how tokens are identified
 */
public record SparseDistribution<K>(K target, double targetLogprob, Map<K, Double> top) {
    public SparseDistribution {
        Map<K, Double> merged = new LinkedHashMap<>(top);
        merged.putIfAbsent(target, targetLogprob);
        top = Collections.unmodifiableMap(merged);
    }

    /** The most likely listed token: the first of the largest log-probabilities in listed order. */
    public K mostLikely() {
        K best = null;
        double bestLogprob = Double.NEGATIVE_INFINITY;
        for (Map.Entry<K, Double> e : top.entrySet()) {
            if (best == null || e.getValue() > bestLogprob) {
                best = e.getKey();
                bestLogprob = e.getValue();
            }
        }
        return best;
    }
}
