package dev.gauntlet.load.simulation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

class ArrivalsTest {
    private static final Duration LONG = Duration.ofSeconds(300);

    private static long[] steady(double rate, Spacing spacing, long seed, Duration d) {
        return LoadModel.Open.steady(rate, spacing, seed, d).arrivals();
    }

    /** Kolmogorov-Smirnov statistic of {@code sample} against a distribution function. */
    private static double ks(double[] sample, DoubleUnaryOperator cdf) {
        double[] x = sample.clone();
        Arrays.sort(x);
        int n = x.length;
        double d = 0;
        for (int i = 0; i < n; i++) {
            double f = cdf.applyAsDouble(x[i]);
            d = Math.max(d, Math.max((i + 1.0) / n - f, f - (double) i / n));
        }
        return d;
    }

    /** The KS critical value at α = 0.01. */
    private static double critical(int n) {
        return 1.628 / Math.sqrt(n);
    }

    private static DoubleUnaryOperator exponential(double rate) {
        return x -> 1 - Math.exp(-rate * x);
    }

    /**
     * The distribution function of Gamma(shape, scale) by its series: P(a, z) = e^−z z^a Σ z^n / Γ(a+n+1),
     * given Γ(shape + 1). The series converges for every z; 2000 terms cover the gaps drawn here.
     */
    private static DoubleUnaryOperator gamma(double shape, double scale, double gammaOfShapePlusOne) {
        return x -> {
            double z = x / scale;
            if (z <= 0) {
                return 0;
            }
            double term = Math.exp(shape * Math.log(z) - z) / gammaOfShapePlusOne;
            double sum = term;
            for (int n = 1; n < 2000 && term > 1e-17 * sum; n++) {
                term *= z / (shape + n);
                sum += term;
            }
            return Math.min(1, sum);
        };
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
        long[] arrivals = steady(rate, new Spacing.Poisson(), 11, LONG);
        int n = arrivals.length;
        assertTrue(Math.abs(n - rate * 300) < 4 * Math.sqrt(rate * 300), "count " + n + " far from " + rate * 300);
        double d = ks(gapsSeconds(arrivals), exponential(rate));
        assertTrue(d < critical(n), "KS D = " + d + " for n = " + n);
    }

    @Test
    void theKsCheckRejectsEvenlySpacedArrivals() {
        // The same check must fail a non-Poisson process of the same rate, or it proves nothing.
        double[] gaps = gapsSeconds(steady(20, new Spacing.Even(), 0, LONG));
        gaps[0] = 0.05;
        assertTrue(ks(gaps, exponential(20)) > critical(gaps.length));
    }

    @Test
    void gammaGapsPassKolmogorovSmirnovForTheirShapeAndMeanOneOverRate() {
        double rate = 20;
        // Shapes whose Γ(shape + 1) is known in closed form: Γ(1.5) = √π / 2, Γ(4) = 6.
        for (double[] shapeAndGamma : new double[][]{{0.5, Math.sqrt(Math.PI) / 2}, {3, 6}}) {
            double shape = shapeAndGamma[0];
            long[] arrivals = steady(rate, new Spacing.Gamma(shape), 7, LONG);
            double[] gaps = gapsSeconds(arrivals);
            int n = gaps.length;
            assertEquals(rate * 300, n, 5 * Math.sqrt(rate * 300 / shape), "count for shape " + shape);
            double d = ks(gaps, gamma(shape, 1 / (rate * shape), shapeAndGamma[1]));
            assertTrue(d < critical(n), "shape " + shape + ": KS D = " + d + " for n = " + n);
            // The shape is what the test detects: the same gaps fail against the exponential of the same mean.
            assertTrue(ks(gaps, exponential(rate)) > critical(n), "shape " + shape + " looks exponential");
            double mean = Arrays.stream(gaps).average().orElseThrow();
            double variance = Arrays.stream(gaps).map(g -> (g - mean) * (g - mean)).sum() / (n - 1);
            assertEquals(1 / rate, mean, 0.05 / rate);
            assertEquals(1 / shape, variance / (mean * mean), 0.1 / shape, "squared coefficient of variation");
        }
    }

    @Test
    void burstinessOneIsPoissonAndBadValuesAreNamed() {
        assertEquals(new Spacing.Poisson(), Spacing.of("poisson", 1));
        assertEquals(new Spacing.Gamma(0.25), Spacing.of("poisson", 0.25));
        assertEquals(new Spacing.Even(), Spacing.of("constant", 1));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Spacing.of("poisson", -2)).getMessage().contains("-2"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Spacing.of("constant", 3)).getMessage().contains("3"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Spacing.of("zipf", 1)).getMessage().contains("'zipf'"));
    }

    @Test
    void arrivalsAreSeededAndAscending() {
        for (Spacing spacing : List.of(new Spacing.Poisson(), new Spacing.Gamma(0.3))) {
            long[] a = steady(5, spacing, 3, Duration.ofSeconds(10));
            assertArrayEquals(a, steady(5, spacing, 3, Duration.ofSeconds(10)));
            assertTrue(!Arrays.equals(a, steady(5, spacing, 4, Duration.ofSeconds(10))), "another seed, other arrivals");
            for (int i = 1; i < a.length; i++) {
                assertTrue(a[i] >= a[i - 1]);
            }
            assertTrue(a[a.length - 1] < 10_000_000_000L);
        }
    }

    @Test
    void constantArrivalsAreEvenlySpacedWithinTheStage() {
        long[] a = steady(4, new Spacing.Even(), 0, Duration.ofSeconds(2));
        assertArrayEquals(new long[]{0, 250_000_000, 500_000_000, 750_000_000, 1_000_000_000, 1_250_000_000,
                1_500_000_000, 1_750_000_000}, a);
    }

    @Test
    void aRampAndASpikeFollowTheirRates() {
        // Evenly spaced on a ramp 0 → 10/s over 10 s: 50 arrivals, the k-th where 0.5 t² = k.
        LoadModel.Open ramp = new LoadModel.Open(List.of(new LoadModel.Segment(Duration.ofSeconds(10), 0, 10)),
                new Spacing.Even(), 0);
        long[] a = ramp.arrivals();
        assertEquals(50, a.length);
        for (int k = 0; k < a.length; k++) {
            assertEquals(Math.sqrt(2.0 * k), a[k] / 1e9, 1e-6, "arrival " + k);
        }
        assertEquals(5, ramp.meanRate(), 1e-9);
        assertEquals("rate=0→10/s", ramp.label());
        // A spike: 2/s for 10 s, 20/s for 5 s, 2/s for 10 s; counts per segment as scheduled.
        LoadModel.Open spike = new LoadModel.Open(List.of(new LoadModel.Segment(Duration.ofSeconds(10), 2, 2),
                new LoadModel.Segment(Duration.ofSeconds(5), 20, 20), new LoadModel.Segment(Duration.ofSeconds(10), 2, 2)),
                new Spacing.Even(), 0);
        long[] s = spike.arrivals();
        assertEquals(20, Arrays.stream(s).filter(t -> t < 10e9).count());
        assertEquals(100, Arrays.stream(s).filter(t -> t >= 10e9 && t < 15e9).count());
        assertEquals(20, Arrays.stream(s).filter(t -> t >= 15e9).count());
        assertEquals("rate=2→20→2/s", spike.label());
        assertEquals(100, spike.expected(Duration.ofSeconds(10), Duration.ofSeconds(15)), 1e-9);
    }
}
