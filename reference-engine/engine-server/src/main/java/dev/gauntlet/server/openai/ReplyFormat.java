package dev.gauntlet.server.openai;

import dev.gauntlet.engine.scheduler.FinishEvent;
import dev.gauntlet.engine.scheduler.PromptLogprobsEvent;
import dev.gauntlet.engine.scheduler.TokenEvent;
import dev.gauntlet.server.api.Timings;
import dev.gauntlet.server.generation.GenerationResult;
import java.util.List;

/**
 * How one endpoint shapes a request's output, whole or as stream chunks. One instance per request:
 * streamed formats may keep state between chunks (e.g. text offsets).
 */
public interface ReplyFormat {

    /** The complete reply of a non-streamed request that ended with {@code stop} or {@code length}. */
    Object complete(GenerationResult result);

    /** Chunks to send before any engine event (the chat role chunk, an echoed prompt). */
    List<Object> opening();

    /** The chunk for the prompt's logprobs, or null if this endpoint sends none. */
    Object promptChunk(PromptLogprobsEvent event);

    /** The chunk for a generated token, or null when there is nothing to send (no text released yet). */
    Object tokenChunk(TokenEvent event);

    /** The chunk carrying {@code finish_reason}, for a request that ended with {@code stop} or {@code length}. */
    Object finishChunk(FinishEvent event);

    /** The {@code include_usage} chunk: empty choices, usage with the server-side timings. */
    Object usageChunk(FinishEvent event, Timings timings);
}
