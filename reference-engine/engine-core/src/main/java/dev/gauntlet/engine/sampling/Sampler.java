package dev.gauntlet.engine.sampling;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Chooses the next token of one request from a logit row: greedy argmax when the temperature is
 * 0, otherwise temperature, then top-k, then top-p (nucleus), then a random draw.
 *
 * <p>Each request owns one sampler and its random generator, seeded from
 * {@link SamplingParams#seed()} with a fixed algorithm ({@value #ALGORITHM}), so a seeded request
 * yields the same tokens whatever else is in the batch and across runs. Not thread-safe.
 */
public final class Sampler {
    /** The random algorithm; fixed so that seeds mean the same thing on every JDK. */
    public static final String ALGORITHM = "L64X128MixRandom";
    private static final RandomGeneratorFactory<RandomGenerator> FACTORY = RandomGeneratorFactory.of(ALGORITHM);
    /** First candidate count tried for nucleus sampling without top-k; grown until the nucleus fits. */
    private static final int NUCLEUS_START = 64;

    private final SamplingParams params;
    private final RandomGenerator random;

    /** A sampler for {@code params}, seeded from its seed or, without one, randomly. */
    public Sampler(SamplingParams params) {
        this.params = params;
        this.random = params.seed() == null ? FACTORY.create() : FACTORY.create(params.seed());
    }

    /**
     * Samples a token from {@code logits[offset .. offset+vocab)}.
     *
     * @param suppressed token ids that must not be chosen (e.g. end-of-generation before
     *                   {@code min_tokens}); may be empty
     */
    public int sample(float[] logits, int offset, int vocab, int[] suppressed) {
        float[] row = logits;
        int off = offset;
        if (suppressed.length > 0) {
            // Copy so that logprobs, computed from the same row, stay those of the raw model.
            row = Arrays.copyOfRange(logits, offset, offset + vocab);
            off = 0;
            for (int id : suppressed) {
                if (id < vocab) {
                    row[id] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        if (params.isGreedy()) {
            return argmax(row, off, vocab);
        }
        double invT = 1 / params.temperature();
        if (drawsTopK(vocab)) {
            return nextDraw(vocab).pick(row, off, vocab);
        }
        if (params.topK() > 0 && params.topK() < vocab) {
            int[] ids = TopTokens.largest(row, off, vocab, params.topK());
            double[] w = TokenDraw.weights(row, off, ids, ids.length, invT);
            double total = sum(w, ids.length);
            return draw(ids, w, nucleusSize(w, ids.length, params.topP() * total));
        }
        double max = row[off + argmax(row, off, vocab)];
        double z = 0;
        for (int i = 0; i < vocab; i++) {
            z += Math.exp((row[off + i] - max) * invT);
        }
        if (params.topP() >= 1) {
            return drawFull(row, off, vocab, max, invT, z);
        }
        for (int k = Math.min(NUCLEUS_START, vocab); ; k = Math.min(vocab, k * 4)) {
            int[] ids = TopTokens.largest(row, off, vocab, k);
            double[] w = TokenDraw.weights(row, off, ids, k, invT);
            int n = nucleusSize(w, k, params.topP() * z);
            // The nucleus is settled only if it ends before the last candidate, or we have them all.
            if (n < k || k == vocab) {
                return draw(ids, w, n);
            }
        }
    }

    /**
     * Whether this request's choices are {@link TokenDraw}s (greedy, or top-k without top-p) over
     * a vocabulary of {@code vocab}, rather than needing the whole row (top-p, or no top-k).
     */
    public boolean drawsTopK(int vocab) {
        return params.isGreedy() || (params.topK() > 0 && params.topK() < vocab && params.topP() >= 1);
    }

    /**
     * The next choice as a {@link TokenDraw}, consuming the random draw that {@link #sample} would
     * consume, so that either gives the same token on the same row. Suppressed tokens are the
     * caller's to rule out: a draw never suppresses any.
     *
     * @throws IllegalStateException unless {@link #drawsTopK} holds
     */
    public TokenDraw nextDraw(int vocab) {
        if (!drawsTopK(vocab)) {
            throw new IllegalStateException("top_p or a top_k of 0 needs the whole logit row");
        }
        return params.isGreedy() ? TokenDraw.GREEDY
                : new TokenDraw(params.topK(), params.temperature(), random.nextDouble());
    }

    /** The id of the largest logit; the lowest id among equals. */
    public static int argmax(float[] row, int offset, int vocab) {
        int best = 0;
        for (int i = 1; i < vocab; i++) {
            if (row[offset + i] > row[offset + best]) {
                best = i;
            }
        }
        return best;
    }

    private static double sum(double[] w, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += w[i];
        }
        return s;
    }

    /** Smallest prefix of the descending weights whose mass reaches {@code target} (at least 1). */
    private static int nucleusSize(double[] w, int n, double target) {
        double cum = 0;
        for (int i = 0; i < n; i++) {
            cum += w[i];
            if (cum >= target) {
                return i + 1;
            }
        }
        return n;
    }

    private int draw(int[] ids, double[] w, int n) {
        return TokenDraw.draw(ids, w, n, random.nextDouble());
    }

    private int drawFull(float[] row, int off, int vocab, double max, double invT, double z) {
        double u = random.nextDouble() * z;
        double acc = 0;
        int last = 0;
        for (int i = 0; i < vocab; i++) {
            double w = Math.exp((row[off + i] - max) * invT);
            if (w > 0) {
                acc += w;
                last = i;
                if (u < acc) {
                    return i;
                }
            }
        }
        return last;
    }
}
