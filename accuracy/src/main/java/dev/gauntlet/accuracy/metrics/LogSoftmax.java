package dev.gauntlet.accuracy.metrics;

/** The log-normaliser of a logit row, computed in double precision. */
public final class LogSoftmax {
    private LogSoftmax() {
    }

    /**
     * {@code ln Σ exp(row[offset+i])} over {@code i < vocab}, with the maximum subtracted first so
     * that no term overflows; {@code row[offset+i] − logSumExp} is then token i's log-probability.
     */
    public static double logSumExp(float[] row, int offset, int vocab) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, row[offset + i]);
        }
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            sum += Math.exp(row[offset + i] - max);
        }
        return max + Math.log(sum);
    }
}
