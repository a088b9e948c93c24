package dev.gauntlet.engine.scheduler;

/**
 * What a request's listener or stream receives, in order: optionally one
 * {@link PromptLogprobsEvent}, {@link TokenEvent}s (with {@link PreemptedEvent}s between them
 * under memory pressure), and exactly one {@link FinishEvent}, always last.
 */
public sealed interface GenerationEvent permits PromptLogprobsEvent, TokenEvent, PreemptedEvent, FinishEvent {

    /** The request's id. */
    String requestId();
}
