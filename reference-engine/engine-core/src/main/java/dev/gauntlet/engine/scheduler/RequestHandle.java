package dev.gauntlet.engine.scheduler;

import java.util.concurrent.CompletableFuture;

/** A submitted request: cancel it, wait for it, or (when submitted without a listener) stream it. */
public final class RequestHandle {
    private final String id;
    private final TokenListener listener;
    private final EventStream stream;
    private final Runnable canceller;
    private final CompletableFuture<FinishEvent> completion = new CompletableFuture<>();

    RequestHandle(String id, TokenListener listener, Runnable canceller) {
        this.id = id;
        this.stream = listener == null ? new EventStream() : null;
        this.listener = listener == null ? stream::offer : listener;
        this.canceller = canceller;
    }

    public String id() {
        return id;
    }

    /**
     * Asks the engine to stop this request; safe from any thread and idempotent. It takes effect at
     * the next step boundary, frees the sequence's KV blocks there, and ends it with
     * {@link FinishReason#CANCELLED} unless it finished first.
     */
    public void cancel() {
        if (!completion.isDone()) {
            canceller.run();
        }
    }

    /** Completes with the final event, after it was delivered to the listener or stream. */
    public CompletableFuture<FinishEvent> completion() {
        return completion.copy();
    }

    public boolean isDone() {
        return completion.isDone();
    }

    /**
     * The request's events as a blocking iterator.
     *
     * @throws IllegalStateException if the request was submitted with a listener
     */
    public EventStream stream() {
        if (stream == null) {
            throw new IllegalStateException("request " + id + " was submitted with a listener; it has no stream");
        }
        return stream;
    }

    /** Delivers an event; called on the engine thread only. A throwing listener propagates. */
    void deliver(GenerationEvent event) {
        try {
            listener.onEvent(event);
        } finally {
            if (event instanceof FinishEvent f) {
                completion.complete(f);
            }
        }
    }
}
