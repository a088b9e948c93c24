package dev.gauntlet.server.api;

import java.util.List;

/**
 * A completions reply, or one chunk of a streamed one (same shape, {@code object} is
 * {@code text_completion} in both, as OpenAI sends it).
 */
public record CompletionResponse(String id, String object, long created, String model,
                                 List<CompletionChoice> choices, Usage usage) {
}
