package dev.gauntlet.load.sse;

/**
 * One dispatched Server-Sent Event.
 *
 * @param type         the {@code event:} field, or {@code "message"} when the event named none
 * @param data         the {@code data:} lines joined with {@code \n} (the spec's data buffer, last newline removed)
 * @param arrivalNanos {@link System#nanoTime()} of the network chunk that completed the event (its blank line)
 */
public record SseEvent(String type, String data, long arrivalNanos) {
}
