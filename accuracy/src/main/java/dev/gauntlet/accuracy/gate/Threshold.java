package dev.gauntlet.accuracy.gate;

import java.util.Locale;

/**
 * One bound on one metric: {@code value ≥ min} and/or {@code value ≤ max}.
 *
 * @param min the lowest value allowed, or null
 * @param max the highest value allowed, or null
 */
public record Threshold(GateMetric metric, Double min, Double max) {
    public Threshold {
        if (min == null && max == null) {
            throw new IllegalArgumentException("gate on " + metric.key() + " has neither min nor max");
        }
    }

    /** Why the pair's value crosses this bound, or null when it holds. */
    public String violation(Double value) {
        if (value == null) {
            return metric.key() + " was not measured";
        }
        if (min != null && value < min) {
            return String.format(Locale.ROOT, "%s = %.6g is below the minimum %.6g", metric.key(), value, min);
        }
        if (max != null && value > max) {
            return String.format(Locale.ROOT, "%s = %.6g is above the maximum %.6g", metric.key(), value, max);
        }
        return null;
    }
}
