package dev.gauntlet.load.stats;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A service-level objective such as {@code ttft_p99=2s,tpot_p99=100ms}: per-request latency bounds,
 * each with the percentile of requests that must meet it. A request is <em>good</em> when it succeeded
 * and meets every bound; goodput counts good requests (DistServe's and MLPerf's definition), and a
 * stage meets the SLO when each metric's percentile is within its bound.
 */
public record Slo(List<Bound> bounds) {

    /** {@code metric}'s {@code percentile} must be at most {@code limit}. */
    public record Bound(Metric metric, double percentile, Duration limit) {
        public Bound {
            if (metric == Metric.TOKENS_PER_CHUNK || metric == Metric.ITL || metric == Metric.INJECTOR_LAG) {
                throw new IllegalArgumentException("an SLO bounds per-request latencies (ttft, ttfo, tpot, e2e), not " + metric.key());
            }
        }

        @Override
        public String toString() {
            return metric.key() + "_p" + (percentile == Math.rint(percentile) ? Long.toString((long) percentile)
                    : Double.toString(percentile)) + "=" + limit.toMillis() + "ms";
        }
    }

    /** No bound: every successful request is good. */
    public static final Slo NONE = new Slo(List.of());

    public Slo {
        bounds = List.copyOf(bounds);
    }

    /** Parses {@code metric_pNN=VALUE,...} with values like {@code 2s}, {@code 100ms}, {@code 1.5s}. */
    public static Slo parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return NONE;
        }
        List<Bound> bounds = new ArrayList<>();
        for (String part : spec.split(",")) {
            String[] kv = part.strip().split("=", 2);
            int p = kv[0].lastIndexOf("_p");
            if (kv.length != 2 || p < 0) {
                throw new IllegalArgumentException("malformed SLO '" + part + "' (expected e.g. ttft_p99=2s)");
            }
            double percentile = Double.parseDouble(kv[0].substring(p + 2).replace('_', '.'));
            bounds.add(new Bound(Metric.of(kv[0].substring(0, p)), percentile, duration(kv[1].strip())));
        }
        return new Slo(bounds);
    }

    private static Duration duration(String s) {
        try {
            if (s.endsWith("ms")) {
                return Duration.ofNanos(Math.round(Double.parseDouble(s.substring(0, s.length() - 2)) * 1e6));
            }
            if (s.endsWith("s")) {
                return Duration.ofNanos(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 1e9));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed SLO duration '" + s + "'", e);
        }
        throw new IllegalArgumentException("an SLO duration needs a unit, ms or s: '" + s + "'");
    }

    /**
     * The bounds that {@code metrics} (a stage's summaries) miss, each described as
     * {@code ttft_p99 3100.0 ms > 2000 ms}; empty when every bound holds. A metric with no value misses its bound.
     */
    public List<String> missed(Map<Metric, Summary> metrics) {
        List<String> missed = new ArrayList<>();
        for (Bound b : bounds) {
            Summary s = metrics.get(b.metric());
            double value = s.count() == 0 ? Double.NaN : s.percentile(b.percentile());
            if (!(value * 1e6 <= b.limit().toNanos())) {
                String name = b.toString().substring(0, b.toString().indexOf('='));
                missed.add(String.format(Locale.ROOT, "%s %.1f ms > %d ms", name, value, b.limit().toMillis()));
            }
        }
        return missed;
    }

    @Override
    public String toString() {
        return String.join(",", bounds.stream().map(Bound::toString).toList());
    }
}
