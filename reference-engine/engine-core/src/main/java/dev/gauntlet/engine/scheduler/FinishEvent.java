package dev.gauntlet.engine.scheduler;

/**
 * The last event of a request.
 *
 * @param reason       why it ended
 * @param stopString   the stop string that ended it, or null
 * @param stopTokenId  the {@code stop_token_ids} entry that ended it, or null (also null for
 *                     end-of-generation tokens, like vLLM's {@code stop_reason})
 * @param message      what went wrong for {@code ERROR} / {@code REJECTED}, or why it was
 *                     cancelled; null otherwise
 * @param usage        token counts
 * @param timings      server-side timings
 * @param preemptions  how often it was preempted
 */
public record FinishEvent(String requestId, FinishReason reason, String stopString, Integer stopTokenId,
                          String message, Usage usage, RequestTimings timings, int preemptions)
        implements GenerationEvent {
}
