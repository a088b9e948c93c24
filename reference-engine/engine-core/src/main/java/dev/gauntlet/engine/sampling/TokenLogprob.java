package dev.gauntlet.engine.sampling;

/**
 * A token and its log-probability under the model's raw distribution (before temperature, top-k
 * and top-p).
 */
public record TokenLogprob(int token, double logprob) {
}
