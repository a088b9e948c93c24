package dev.gauntlet.load.simulation;

import java.util.SplittableRandom;

/** Gamma-distributed random numbers of unit scale (Marsaglia and Tsang's method). */
final class GammaVariates {
    private GammaVariates() {
    }

    /** One draw from Gamma(shape, 1): mean and variance {@code shape}. */
    static double sample(SplittableRandom random, double shape) {
        if (shape < 1) {
            // Gamma(a) = Gamma(a + 1) · U^(1/a): the squeeze below needs a shape of at least 1.
            double u = 1.0 - random.nextDouble();
            return sample(random, shape + 1) * Math.pow(u, 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = random.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = random.nextDouble();
            double x2 = x * x;
            // The cheap squeeze accepts most draws; the log test is the exact acceptance condition.
            if (u < 1 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }
}
