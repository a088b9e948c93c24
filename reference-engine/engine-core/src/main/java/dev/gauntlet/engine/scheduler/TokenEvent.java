package dev.gauntlet.engine.scheduler;

import dev.gauntlet.engine.sampling.TokenLogprobs;

/**
 * One generated token.
 *
 * @param index     0-based position among the generated tokens
 * @param token     the token id
 * @param text      text released with this token. May be empty or lag behind the token: bytes of
 *                  an unfinished UTF-8 character, and text that could be the start of a stop
 *                  string, are held back until resolved; end-of-generation and stop tokens add
 *                  no text. The concatenation of all deltas is the completion's text.
 * @param logprobs  its logprob and top alternatives, or null if not requested
 */
public record TokenEvent(String requestId, int index, int token, String text, TokenLogprobs logprobs)
        implements GenerationEvent {
}
