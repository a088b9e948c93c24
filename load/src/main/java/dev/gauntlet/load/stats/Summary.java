package dev.gauntlet.load.stats;

import org.HdrHistogram.Histogram;

/**
 * A distribution's summary, read from an HdrHistogram (3 significant digits). Values are in the
 * metric's unit: milliseconds for times (recorded in nanoseconds), plain counts for tokens per chunk.
 */
public record Summary(long count, double mean, double p50, double p90, double p95, double p99, double p999, double max) {

    /** Of {@code h}, whose values are divided by {@code scale} (1e6 turns nanoseconds into milliseconds). */
    static Summary of(Histogram h, double scale) {
        if (h.getTotalCount() == 0) {
            return new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new Summary(h.getTotalCount(), h.getMean() / scale, h.getValueAtPercentile(50) / scale,
                h.getValueAtPercentile(90) / scale, h.getValueAtPercentile(95) / scale,
                h.getValueAtPercentile(99) / scale, h.getValueAtPercentile(99.9) / scale, h.getMaxValue() / scale);
    }

    /** The value at one of the reported percentiles (50, 90, 95, 99, 99.9). */
    public double percentile(double p) {
        if (p == 50) {
            return p50;
        } else if (p == 90) {
            return p90;
        } else if (p == 95) {
            return p95;
        } else if (p == 99) {
            return p99;
        } else if (p == 99.9) {
            return p999;
        }
        throw new IllegalArgumentException("percentile " + p + " is not reported (50, 90, 95, 99, 99.9)");
    }
}
