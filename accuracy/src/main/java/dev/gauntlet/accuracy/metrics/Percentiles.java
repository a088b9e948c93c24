package dev.gauntlet.accuracy.metrics;

/** Order statistics of a sorted sample, defined exactly as {@code llama-perplexity} prints them. */
public final class Percentiles {
    private Percentiles() {
    }

    /**
     * The value at {@code fraction} of the way through {@code sorted}: linear interpolation between
     * the neighbours of index {@code fraction·(n−1)}; the minimum at 0 and the maximum at 1.
     *
     * @throws IllegalArgumentException on an empty sample
     */
    public static double percentile(double[] sorted, double fraction) {
        requireValues(sorted);
        if (fraction <= 0) {
            return sorted[0];
        }
        if (fraction >= 1) {
            return sorted[sorted.length - 1];
        }
        double p = fraction * (sorted.length - 1);
        int i = (int) p;
        double w = p - i;
        return (1 - w) * sorted[i] + w * sorted[Math.min(i + 1, sorted.length - 1)];
    }

    /** The middle value, or the mean of the two middle values of an even-sized sample. */
    public static double median(double[] sorted) {
        requireValues(sorted);
        int n = sorted.length;
        return n % 2 == 0 ? 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]) : sorted[n / 2];
    }

    private static void requireValues(double[] sorted) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no values");
        }
    }
}
