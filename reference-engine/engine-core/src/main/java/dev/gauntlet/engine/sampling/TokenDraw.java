package dev.gauntlet.engine.sampling;

/**
 * One token choice that needs nothing but a logit row: keep the {@code topK} largest logits
 * (ties to the lower id), weight them {@code exp((l - lmax) / temperature)} in double precision,
 * and take the first id, largest first, whose cumulative weight exceeds {@code uniform × total}.
 * Greedy decoding is {@link #GREEDY}: with one candidate the draw does not matter.
 *
 * <p>The rule is written down here so that a backend choosing on its device (see
 * {@link dev.gauntlet.engine.model.ForwardModel#sample}) picks the same token as {@link #pick}
 * given the same uniform draw, which the request's {@link Sampler} supplies.
 *
 * @param topK        candidates kept, ≥ 1
 * @param temperature softmax temperature, &gt; 0
 * @param uniform     the request's random draw in [0, 1)
 */
public record TokenDraw(int topK, double temperature, double uniform) {
    /** Argmax: the largest logit, the lowest id among equals. */
    public static final TokenDraw GREEDY = new TokenDraw(1, 1, 0);

    public TokenDraw {
        if (topK < 1) {
            throw new IllegalArgumentException("topK must be ≥ 1, got " + topK);
        }
        if (!(temperature > 0 && Double.isFinite(temperature))) {
            throw new IllegalArgumentException("temperature must be finite and > 0, got " + temperature);
        }
        if (!(uniform >= 0 && uniform < 1)) {
            throw new IllegalArgumentException("uniform must be in [0, 1), got " + uniform);
        }
    }

    /** The chosen id from {@code logits[offset .. offset+vocab)}. */
    public int pick(float[] logits, int offset, int vocab) {
        int[] ids = TopTokens.largest(logits, offset, vocab, topK);
        double[] w = weights(logits, offset, ids, ids.length, 1 / temperature);
        return draw(ids, w, ids.length, uniform);
    }

    /** Unnormalised probabilities exp((l - lmax) / T) of the first {@code n} ids (largest first). */
    static double[] weights(float[] row, int off, int[] ids, int n, double invT) {
        double[] w = new double[n];
        double max = row[off + ids[0]];
        for (int i = 0; i < n; i++) {
            w[i] = Math.exp((row[off + ids[i]] - max) * invT);
        }
        return w;
    }

    /** The first of {@code ids[0..n)} whose cumulative weight exceeds {@code uniform} × their total. */
    static int draw(int[] ids, double[] w, int n, double uniform) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += w[i];
        }
        double u = uniform * total;
        double acc = 0;
        for (int i = 0; i < n; i++) {
            acc += w[i];
            if (u < acc) {
                return ids[i];
            }
        }
        return ids[n - 1]; // rounding left u at the very top of the mass
    }
}
