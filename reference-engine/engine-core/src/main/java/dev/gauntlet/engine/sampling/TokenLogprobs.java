package dev.gauntlet.engine.sampling;

import java.util.List;

/**
 * The logprob of one chosen (or given) token and the most likely alternatives at that position.
 *
 * @param token    the chosen token
 * @param logprob  its log-probability
 * @param rank     its 1-based rank in the distribution (1 = most likely), as vLLM reports it
 * @param top      the most likely tokens, most likely first (ties: lower id first); may be empty
 */
public record TokenLogprobs(int token, double logprob, int rank, List<TokenLogprob> top) {

    public TokenLogprobs {
        top = List.copyOf(top);
    }
}
