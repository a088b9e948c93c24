package dev.gauntlet.server.api;

import dev.gauntlet.engine.scheduler.RequestTimings;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * Server-side timings of one request in milliseconds, from arrival (the HTTP request was read).
 * A phase the request never reached is null.
 */
public record Timings(Double queueMs, Double ttftMs, Double e2eMs) {

    /** From the engine's timings. */
    public static Timings of(RequestTimings t) {
        return new Timings(millis(t.queueWaitNanos()), millis(t.timeToFirstTokenNanos()), millis(t.totalNanos()));
    }

    private static Double millis(long nanos) {
        return nanos < 0 ? null : nanos / 1e6;
    }

    /** The {@code x-gauntlet-timings} header value: {@code queue_ms=1.200,ttft_ms=4.000,e2e_ms=9.100}. */
    public String header() {
        StringJoiner out = new StringJoiner(",");
        append(out, "queue_ms", queueMs);
        append(out, "ttft_ms", ttftMs);
        append(out, "e2e_ms", e2eMs);
        return out.toString();
    }

    private static void append(StringJoiner out, String key, Double value) {
        if (value != null) {
            out.add(key + "=" + String.format(Locale.ROOT, "%.3f", value));
        }
    }
}
