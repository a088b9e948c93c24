package dev.gauntlet.load.stats;

import java.util.Locale;

/** The per-request and per-chunk measurements, as docs/metrics.md defines them. */
public enum Metric {
    /** Intended start to the first chunk with answer content. */
    TTFT(1e6),
    /** Intended start to the first chunk with any output, reasoning included. */
    TTFO(1e6),
    /** Every gap between consecutive output chunks. */
    ITL(1e6),
    /** (E2E − TTFT) / (output tokens − 1), for requests with at least two output tokens. */
    TPOT(1e6),
    /** Intended start to {@code [DONE]}. */
    E2E(1e6),
    /** Actual send minus intended start: the injector's own delay. */
    INJECTOR_LAG(1e6),
    /** Output tokens in each output chunk. */
    TOKENS_PER_CHUNK(1);

    private final double scale;

    Metric(double scale) {
        this.scale = scale;
    }

    /** Divides recorded values into reported units (nanoseconds into milliseconds for times). */
    double scale() {
        return scale;
    }

    /** The name in results and SLOs: {@code ttft}, {@code injector_lag}, ... */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The metric named {@code key}. */
    public static Metric of(String key) {
        for (Metric m : values()) {
            if (m.key().equals(key)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown metric '" + key + "' (ttft, ttfo, itl, tpot, e2e, injector_lag)");
    }
}
