package dev.gauntlet.server.api;

/**
 * OpenAI's {@code usage}, with the server-side timings in streamed replies.
 *
 * @param gauntletTimings null except in a stream's usage chunk (non-streamed replies carry them in a header)
 */
public record Usage(int promptTokens, int completionTokens, int totalTokens, Timings gauntletTimings) {
}
