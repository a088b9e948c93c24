package dev.gauntlet.accuracy.metrics;

import java.util.Arrays;

/**
 * Accumulates {@link TokenComparison}s and summarises them as {@link LogitMetrics}, with the sums,
 * standard errors and order statistics of {@code llama-perplexity}'s {@code kl_divergence}. Not
 * thread-safe.
 */
public final class LogitStats {
    private long count;
    private double sumNll;
    private double sumNll2;
    private double sumNllRef;
    private double sumNllRef2;
    private double sumNllNllRef;
    private double sumKld;
    private double sumKld2;
    private double sumDp2;
    private double sumDpTop2;
    private double maxAbsDp;
    private long sameTop;
    private double[] klds = new double[1024];

    /** Adds one scored position. */
    public void add(TokenComparison t) {
        if (count == klds.length) {
            klds = Arrays.copyOf(klds, klds.length * 2);
        }
        klds[(int) count] = t.kld();
        count++;
        sumNll += t.nllCandidate();
        sumNll2 += t.nllCandidate() * t.nllCandidate();
        sumNllRef += t.nllReference();
        sumNllRef2 += t.nllReference() * t.nllReference();
        sumNllNllRef += t.nllCandidate() * t.nllReference();
        sumKld += t.kld();
        sumKld2 += t.kld() * t.kld();
        double dp2 = t.dpTarget() * t.dpTarget();
        sumDp2 += dp2;
        sumDpTop2 += t.dpTop() * t.dpTop();
        maxAbsDp = Math.max(maxAbsDp, Math.abs(t.dpTarget()));
        if (t.sameTop()) {
            sameTop++;
        }
    }

    /** Positions added so far. */
    public long count() {
        return count;
    }

    /**
     * The metrics of everything added.
     *
     * @throws IllegalStateException when nothing was added
     */
    public LogitMetrics summary() {
        if (count == 0) {
            throw new IllegalStateException("no scored tokens");
        }
        double[] sorted = Arrays.copyOf(klds, (int) count);
        Arrays.sort(sorted);
        double[] lnPpl = meanAndUncertainty(sumNll, sumNll2);
        double[] lnPplRef = meanAndUncertainty(sumNllRef, sumNllRef2);
        double cov = count < 10 ? 0 : (sumNllNllRef / count - (sumNll / count) * (sumNllRef / count)) / (count - 1);
        double lnRatio = lnPpl[0] - lnPplRef[0];
        double lnRatioUnc = Math.sqrt(Math.max(0, lnPpl[1] * lnPpl[1] + lnPplRef[1] * lnPplRef[1] - 2 * cov));
        double ratio = Math.exp(lnRatio);
        double[] kld = meanAndUncertainty(sumKld, sumKld2);
        double top1 = (double) sameTop / count;
        double top1Unc = count > 1 ? Math.sqrt(top1 * (1 - top1) / (count - 1)) : 0;
        return new LogitMetrics(count, Math.exp(lnPplRef[0]), Math.exp(lnPpl[0]), 100 * (ratio - 1),
                100 * ratio * lnRatioUnc, kld[0], kld[1], Percentiles.median(sorted), Percentiles.percentile(sorted, 0.99),
                sorted[sorted.length - 1], 100 * top1, 100 * top1Unc, 100 * Math.sqrt(sumDp2 / count),
                100 * Math.sqrt(sumDpTop2 / count), 100 * maxAbsDp);
    }

    /** llama.cpp's {@code mean_and_uncertainty}: the mean and, past 10 values, its standard error. */
    private double[] meanAndUncertainty(double sum, double sum2) {
        double mean = sum / count;
        double var = sum2 / count - mean * mean;
        return new double[] {mean, var > 0 && count > 10 ? Math.sqrt(var / (count - 1)) : 0};
    }
}
