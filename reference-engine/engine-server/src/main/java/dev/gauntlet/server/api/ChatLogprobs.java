package dev.gauntlet.server.api;

import java.util.List;

/** The chat API's logprobs: one entry per generated token. */
public record ChatLogprobs(List<TokenEntry> content) {

    /**
     * One token.
     *
     * @param bytes the token's UTF-8 bytes (a token may hold part of a character)
     */
    public record TokenEntry(String token, double logprob, List<Integer> bytes, List<Alternative> topLogprobs) {
    }

    /** One of the most likely tokens at that position. */
    public record Alternative(String token, double logprob, List<Integer> bytes) {
    }
}
