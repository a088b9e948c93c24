package dev.gauntlet.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A non-streamed chat reply ({@code object: "chat.completion"}). */
public record ChatCompletionResponse(String id, String object, long created, String model, List<Choice> choices,
                                     Usage usage) {

    /** The one choice: the assistant's message. */
    public record Choice(int index, AssistantMessage message,
                         @JsonInclude(JsonInclude.Include.ALWAYS) ChatLogprobs logprobs,
                         String finishReason) {
    }

    /** The generated message. */
    public record AssistantMessage(String role, String content) {
    }
}
