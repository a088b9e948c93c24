package dev.gauntlet.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One completions choice; {@code logprobs} and {@code finish_reason} are sent as null when absent. */
public record CompletionChoice(int index, String text,
                               @JsonInclude(JsonInclude.Include.ALWAYS) CompletionLogprobs logprobs,
                               @JsonInclude(JsonInclude.Include.ALWAYS) String finishReason) {
}
