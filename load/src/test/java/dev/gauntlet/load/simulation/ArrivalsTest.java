package dev.gauntlet.load.simulation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ArrivalsTest {

    /** Kolmogorov-Smirnov statistic of {@code sample} against the exponential distribution of rate {@code rate}. */
    private static double ksAgainstExponential(double[] sample, double rate) {
        double[] x = sample.clone();
        Arrays.sort(x);
        int n = x.length;
        double d = 0;
        for (int i = 0; i < n; i++) {
            double cdf = 1 - Math.exp(-rate * x[i]);
            d = Math.max(d, Math.max((i + 1.0) / n - cdf, cdf - (double) i / n));
        }
        return d;
    }

    private static double[] gapsSeconds(long[] arrivals) {
        double[] gaps = new double[arrivals.length];
        long previous = 0;
        for (int i = 0; i < arrivals.length; i++) {
            gaps[i] = (arrivals[i] - previous) / 1e9;
            previous = arrivals[i];
        }
        return gaps;
    }

    @Test
    void poissonGapsPassKolmogorovSmirnovAgainstTheExponential() {
        double rate = 20;
        long[] arrivals = new LoadModel.Poisson(rate, 11).arrivals(Duration.ofSeconds(300));
        int n = arrivals.length;
        assertTrue(Math.abs(n - rate * 300) < 4 * Math.sqrt(rate * 300), "count " + n + " far from " + rate * 300);
        // Critical value at α = 0.01: 1.628 / √n.
        double d = ksAgainstExponential(gapsSeconds(arrivals), rate);
        assertTrue(d < 1.628 / Math.sqrt(n), "KS D = " + d + " for n = " + n);
    }

    @Test
    void theKsCheckRejectsEvenlySpacedArrivals() {
        // The same check must fail a non-Poisson process of the same rate, or it proves nothing.
        long[] arrivals = new LoadModel.Constant(20).arrivals(Duration.ofSeconds(300));
        double[] gaps = gapsSeconds(arrivals);
        gaps[0] = 0.05;
        assertTrue(ksAgainstExponential(gaps, 20) > 1.628 / Math.sqrt(gaps.length));
    }

    @Test
    void poissonArrivalsAreSeededAndAscending() {
        long[] a = new LoadModel.Poisson(5, 3).arrivals(Duration.ofSeconds(10));
        assertArrayEquals(a, new LoadModel.Poisson(5, 3).arrivals(Duration.ofSeconds(10)));
        for (int i = 1; i < a.length; i++) {
            assertTrue(a[i] >= a[i - 1]);
        }
        assertTrue(a[a.length - 1] < 10_000_000_000L);
    }

    @Test
    void constantArrivalsAreEvenlySpacedWithinTheStage() {
        long[] a = new LoadModel.Constant(4).arrivals(Duration.ofSeconds(2));
        assertArrayEquals(new long[]{0, 250_000_000, 500_000_000, 750_000_000, 1_000_000_000, 1_250_000_000,
                1_500_000_000, 1_750_000_000}, a);
        assertEquals(8, a.length);
    }
}
