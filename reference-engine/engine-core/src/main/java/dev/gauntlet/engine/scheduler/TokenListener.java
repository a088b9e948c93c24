package dev.gauntlet.engine.scheduler;

/**
 * Receives one request's events on the engine thread. Must return quickly and must not block:
 * every request in the batch waits for it. A listener that throws ends its request with
 * {@link FinishReason#ERROR}.
 */
@FunctionalInterface
public interface TokenListener {

    void onEvent(GenerationEvent event);
}
