package dev.gauntlet.engine.scheduler;

/**
 * The sequence lost its KV blocks to make room for older ones and went back to the front of the
 * queue; it will recompute its prompt and generated tokens and then continue. Informational.
 *
 * @param preemptions times this request has been preempted so far
 */
public record PreemptedEvent(String requestId, int preemptions) implements GenerationEvent {
}
