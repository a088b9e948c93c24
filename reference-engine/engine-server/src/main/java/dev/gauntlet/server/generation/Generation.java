package dev.gauntlet.server.generation;

import dev.gauntlet.engine.sampling.TokenLogprobs;
import dev.gauntlet.engine.scheduler.FinishEvent;
import dev.gauntlet.engine.scheduler.GenerationEvent;
import dev.gauntlet.engine.scheduler.PromptLogprobsEvent;
import dev.gauntlet.engine.scheduler.RequestHandle;
import dev.gauntlet.engine.scheduler.TokenEvent;
import dev.gauntlet.engine.scheduler.TokenListener;
import dev.gauntlet.server.errors.ApiException;
import dev.gauntlet.server.metrics.ServerMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * One request running in the engine, read by one HTTP handler thread.
 *
 * <p>The engine delivers events on its own thread to {@link #onEvent}, which records token timing
 * there (where the gaps are real, not delayed by a slow client), hands the admission slot back at
 * the final event, and queues the event for the handler. The queue is unbounded so that a slow
 * client never stalls the engine's batch.
 */
public final class Generation implements TokenListener {
    private final String requestId;
    private final ServerMetrics metrics;
    private final Consumer<Generation> onFinish;
    private final BlockingQueue<GenerationEvent> events = new LinkedBlockingQueue<>();
    private volatile RequestHandle handle;
    private volatile ApiException abortReason;
    private long lastTokenNanos = -1; // engine thread only

    Generation(String requestId, ServerMetrics metrics, Consumer<Generation> onFinish) {
        this.requestId = requestId;
        this.metrics = metrics;
        this.onFinish = onFinish;
    }

    void attach(RequestHandle handle) {
        this.handle = handle;
    }

    public String requestId() {
        return requestId;
    }

    /** Called by the engine thread. */
    @Override
    public void onEvent(GenerationEvent event) {
        switch (event) {
            case TokenEvent t -> {
                long now = System.nanoTime();
                if (lastTokenNanos >= 0) {
                    metrics.interToken(now - lastTokenNanos);
                }
                lastTokenNanos = now;
            }
            case FinishEvent f -> {
                metrics.finished(f);
                onFinish.accept(this);
            }
            default -> { }
        }
        events.add(event);
    }

    /** The next event, waiting for it; the {@link FinishEvent} is the last. */
    public GenerationEvent next() throws InterruptedException {
        return events.take();
    }

    /** Asks the engine to stop the request (its KV blocks are freed at the next step boundary). */
    public void cancel() {
        handle.cancel();
    }

    /**
     * Cancels the request on the server's behalf (not the client's): if the engine then ends it as
     * cancelled, its client is answered with {@code reason} rather than a generic cancellation.
     */
    public void abort(ApiException reason) {
        abortReason = reason;
        cancel();
    }

    /** Why the server aborted this request, or null when it did not. */
    public ApiException abortReason() {
        return abortReason;
    }

    /** Waits for the whole request and gathers it. */
    public GenerationResult collect() throws InterruptedException {
        StringBuilder text = new StringBuilder();
        List<TokenEvent> tokens = new ArrayList<>();
        List<TokenLogprobs> promptLogprobs = null;
        while (true) {
            switch (next()) {
                case PromptLogprobsEvent p -> promptLogprobs = p.logprobs();
                case TokenEvent t -> {
                    tokens.add(t);
                    text.append(t.text());
                }
                case FinishEvent f -> {
                    return new GenerationResult(text.toString(), tokens, promptLogprobs, f);
                }
                default -> { }
            }
        }
    }
}
