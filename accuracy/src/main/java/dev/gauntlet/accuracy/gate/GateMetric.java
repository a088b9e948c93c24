package dev.gauntlet.accuracy.gate;

import dev.gauntlet.accuracy.report.PairResult;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The metrics a gate can bound, by the names used in gate files and {@code accuracy.json}. */
public enum GateMetric {
    KLD_MEAN(p -> p.logits().kldMean()),
    KLD_MEDIAN(p -> p.logits().kldMedian()),
    KLD_P99(p -> p.logits().kldP99()),
    KLD_MAX(p -> p.logits().kldMax()),
    DELTA_PPL_PCT(p -> p.logits().deltaPplPct()),
    ABS_DELTA_PPL_PCT(p -> Math.abs(p.logits().deltaPplPct())),
    TOP1_PCT(p -> p.logits().top1Pct()),
    RMS_DP_PCT(p -> p.logits().rmsDpPct()),
    RMS_DP_TOP_PCT(p -> p.logits().rmsDpTopPct()),
    GREEDY_EXACT_MATCH_PCT(p -> p.generation() == null ? null : p.generation().exactMatchPct()),
    GREEDY_MEAN_FIRST_DIVERGENCE(p -> p.generation() == null ? null : p.generation().meanFirstDivergence()),
    // An exact conversion has no SNR (null in results); for a gate it is as good as it gets.
    MIN_SNR_DB(p -> p.weights() == null ? null
            : p.weights().minSnrDb() == null ? Double.POSITIVE_INFINITY : p.weights().minSnrDb()),
    OVERALL_SNR_DB(p -> p.weights() == null ? null
            : p.weights().overallSnrDb() == null ? Double.POSITIVE_INFINITY : p.weights().overallSnrDb());

    private final Function<PairResult, Double> value;

    GateMetric(Function<PairResult, Double> value) {
        this.value = value;
    }

    /** The name in gate files: the constant in lower case ({@code kld_mean}). */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The pair's value of this metric, or null when the pair did not measure it. */
    public Double valueOf(PairResult pair) {
        return value.apply(pair);
    }

    /** The metric named {@code key}; the error lists the known names. */
    public static GateMetric parse(String key) {
        for (GateMetric m : values()) {
            if (m.key().equals(key)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown gate metric '" + key + "' (known: "
                + Arrays.stream(values()).map(GateMetric::key).collect(Collectors.joining(", ")) + ")");
    }
}
