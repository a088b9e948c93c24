package dev.gauntlet.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** One chunk of a streamed chat reply ({@code object: "chat.completion.chunk"}). */
public record ChatCompletionChunk(String id, String object, long created, String model, List<Choice> choices,
                                  Usage usage) {

    /** A choice's increment; {@code finish_reason} is null until the last content chunk. */
    public record Choice(int index, Delta delta,
                         @JsonInclude(JsonInclude.Include.ALWAYS) ChatLogprobs logprobs,
                         @JsonInclude(JsonInclude.Include.ALWAYS) String finishReason) {
    }

    /** New text, and the role in the first chunk only; both absent in the final chunk (an empty object). */
    public record Delta(String role, String content) {
    }
}
