package dev.gauntlet.load.sse;

/** Receives what an {@link SseParser} finds, in stream order, on the thread that feeds the parser. */
public interface SseListener {

    /** A complete event (terminated by a blank line) with a non-empty data buffer. */
    void onEvent(SseEvent event);

    /**
     * A comment line ({@code : ...}), which servers send as keep-alives; it carries no data.
     *
     * @param text         the line after the colon
     * @param arrivalNanos when the chunk holding the line's end arrived
     */
    default void onComment(String text, long arrivalNanos) {
    }
}
