package dev.gauntlet.server.web;

import dev.gauntlet.engine.scheduler.FinishEvent;
import dev.gauntlet.engine.scheduler.RequestTimings;
import dev.gauntlet.server.api.Timings;
import jakarta.servlet.http.HttpServletRequest;

/**
 * What a generation handler learned about its request, for the request log and the request
 * counter: filled by the handler, read by {@link RequestIdFilter} after the reply. Lives as a
 * request attribute. Also the request's HTTP clock: its arrival, taken by the filter before anything
 * else, and when its first content left the server.
 */
public final class RequestOutcome {
    private static final String ATTRIBUTE = RequestOutcome.class.getName();

    private final String requestId;
    private final long arrivalNanos;
    private long firstContentNanos = -1;
    private boolean generation;
    private String finishReason;
    private Integer promptTokens;
    private Integer completionTokens;
    private RequestTimings engineTimings;

    RequestOutcome(String requestId, long arrivalNanos) {
        this.requestId = requestId;
        this.arrivalNanos = arrivalNanos;
    }

    void attachTo(HttpServletRequest request) {
        request.setAttribute(ATTRIBUTE, this);
    }

    /** The outcome of the request being handled. */
    public static RequestOutcome of(HttpServletRequest request) {
        return (RequestOutcome) request.getAttribute(ATTRIBUTE);
    }

    public String requestId() {
        return requestId;
    }

    /** When the request reached the server ({@link System#nanoTime()}): every server timing starts here. */
    public long arrivalNanos() {
        return arrivalNanos;
    }

    /** Records that the first generated content was flushed to the client at {@code nanos}; later calls are ignored. */
    public void firstContentSent(long nanos) {
        if (firstContentNanos < 0) {
            firstContentNanos = nanos;
        }
    }

    /** The request's timings, as though its reply ended leaving the server at {@code endNanos}; null before the engine finished it. */
    public Timings timings(long endNanos) {
        return engineTimings == null ? null : Timings.of(engineTimings, firstContentNanos, endNanos);
    }

    /** Marks this as a generation request (counted in {@code llm_requests_total}). */
    public void generation() {
        generation = true;
    }

    /** Records how the engine ended the request. */
    public void finished(FinishEvent f) {
        finishReason = f.reason().name().toLowerCase(java.util.Locale.ROOT);
        promptTokens = f.usage().promptTokens();
        completionTokens = f.usage().generatedTokens();
        engineTimings = f.timings();
    }

    /** Records that the client went away before the end (the engine's final event may come later). */
    public void disconnected() {
        finishReason = "cancelled";
    }

    boolean isGeneration() {
        return generation;
    }

    /** The finish reason, or {@code none} when the request never ran. */
    String finishReason() {
        return finishReason == null ? "none" : finishReason;
    }

    Integer promptTokens() {
        return promptTokens;
    }

    Integer completionTokens() {
        return completionTokens;
    }
}
