package dev.gauntlet.engine.sampling;

import java.util.ArrayList;
import java.util.List;

/** Log-softmax of raw logit rows, for the logprobs that requests may ask for. */
public final class Logprobs {
    private Logprobs() {
    }

    /**
     * The log-probability of {@code token} under {@code softmax(row[offset .. offset+vocab))},
     * its rank, and the {@code topN} most likely tokens.
     */
    public static TokenLogprobs of(float[] row, int offset, int vocab, int token, int topN) {
        if (token < 0 || token >= vocab) {
            throw new IllegalArgumentException("token " + token + " outside the vocabulary of " + vocab);
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, row[offset + i]);
        }
        double sum = 0;
        int rank = 1;
        for (int i = 0; i < vocab; i++) {
            sum += Math.exp((double) row[offset + i] - max);
            if (TopTokens.before(i, token, row, offset)) {
                rank++;
            }
        }
        double logZ = max + Math.log(sum);
        List<TokenLogprob> top = new ArrayList<>(topN);
        for (int id : TopTokens.largest(row, offset, vocab, topN)) {
            top.add(new TokenLogprob(id, row[offset + id] - logZ));
        }
        return new TokenLogprobs(token, row[offset + token] - logZ, rank, top);
    }
}
