package dev.gauntlet.server.api;

import dev.gauntlet.engine.scheduler.RequestTimings;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * Server-side timings of one request in milliseconds, all from its arrival (when the request reached
 * the server's filter chain). Two views: the HTTP one, which a client can compare with its own
 * measurements, and the engine's. A phase the request never reached is null.
 *
 * @param queueMs      arrival to admission into the engine's running batch
 * @param ttftMs       arrival to the first chunk with generated content flushed to the socket (a
 *                     non-streamed reply: its body, which is when its first content leaves)
 * @param e2eMs        arrival to the end of the reply leaving the server ({@code [DONE]} or the body)
 * @param engineTtftMs arrival to the engine sampling the first token
 * @param engineE2eMs  arrival to the engine's final event
 */
public record Timings(Double queueMs, Double ttftMs, Double e2eMs, Double engineTtftMs, Double engineE2eMs) {

    /**
     * Combines the engine's timings (whose arrival is the HTTP arrival) with the HTTP moments.
     *
     * @param firstContentNanos when the first content left the server, or -1 if none did
     * @param endNanos          when the reply's end left the server
     */
    public static Timings of(RequestTimings engine, long firstContentNanos, long endNanos) {
        long arrival = engine.arrivalNanos();
        return new Timings(millis(engine.queueWaitNanos()),
                millis(firstContentNanos < 0 ? -1 : firstContentNanos - arrival),
                millis(endNanos - arrival),
                millis(engine.timeToFirstTokenNanos()),
                millis(engine.totalNanos()));
    }

    private static Double millis(long nanos) {
        return nanos < 0 ? null : nanos / 1e6;
    }

    /**
     * The {@code x-gauntlet-timings} header value, e.g.
     * {@code queue_ms=1.200,ttft_ms=9.300,e2e_ms=9.300,engine_ttft_ms=4.000,engine_e2e_ms=9.100}.
     */
    public String header() {
        StringJoiner out = new StringJoiner(",");
        append(out, "queue_ms", queueMs);
        append(out, "ttft_ms", ttftMs);
        append(out, "e2e_ms", e2eMs);
        append(out, "engine_ttft_ms", engineTtftMs);
        append(out, "engine_e2e_ms", engineE2eMs);
        return out.toString();
    }

    private static void append(StringJoiner out, String key, Double value) {
        if (value != null) {
            out.add(key + "=" + String.format(Locale.ROOT, "%.3f", value));
        }
    }
}
