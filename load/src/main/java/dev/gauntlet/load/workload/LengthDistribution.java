package dev.gauntlet.load.workload;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A distribution of token lengths (input or output), always drawing integers ≥ 1. Written as
 * {@code fixed:N}, {@code uniform:MIN,MAX}, {@code normal:MEAN,SD} or {@code lognormal:MEDIAN,SIGMA}.
 */
public sealed interface LengthDistribution {

    /** One length, from {@code random}. */
    int sample(SplittableRandom random);

    /** The mean length the distribution aims at (before clamping to ≥ 1). */
    double mean();

    /** Exactly {@code n} every time. */
    record Fixed(int n) implements LengthDistribution {
        public Fixed {
            positive(n, "fixed length");
        }

        @Override
        public int sample(SplittableRandom random) {
            return n;
        }

        @Override
        public double mean() {
            return n;
        }

        @Override
        public String toString() {
            return "fixed:" + n;
        }
    }

    /** Uniform over {@code [min, max]}, both included. */
    record Uniform(int min, int max) implements LengthDistribution {
        public Uniform {
            positive(min, "uniform minimum");
            if (max < min) {
                throw new IllegalArgumentException("uniform maximum " + max + " is below its minimum " + min);
            }
        }

        @Override
        public int sample(SplittableRandom random) {
            return random.nextInt(min, max + 1);
        }

        @Override
        public double mean() {
            return (min + max) / 2.0;
        }

        @Override
        public String toString() {
            return "uniform:" + min + "," + max;
        }
    }

    /** Normal, rounded to the nearest integer and clamped to ≥ 1. */
    record Normal(double mean, double sd) implements LengthDistribution {
        public Normal {
            if (!(mean >= 1) || !(sd >= 0)) {
                throw new IllegalArgumentException("normal needs mean ≥ 1 and sd ≥ 0, got " + mean + "," + sd);
            }
        }

        @Override
        public int sample(SplittableRandom random) {
            return clamp(Math.round(mean + sd * random.nextGaussian()));
        }

        @Override
        public String toString() {
            return "normal:" + mean + "," + sd;
        }
    }

    /** Log-normal with the given median ({@code e^μ}) and shape σ, rounded and clamped to ≥ 1: long-tailed lengths. */
    record LogNormal(double median, double sigma) implements LengthDistribution {
        public LogNormal {
            if (!(median >= 1) || !(sigma >= 0)) {
                throw new IllegalArgumentException("lognormal needs median ≥ 1 and sigma ≥ 0, got " + median + "," + sigma);
            }
        }

        @Override
        public int sample(SplittableRandom random) {
            return clamp(Math.round(median * Math.exp(sigma * random.nextGaussian())));
        }

        @Override
        public double mean() {
            return median * Math.exp(sigma * sigma / 2);
        }

        @Override
        public String toString() {
            return "lognormal:" + median + "," + sigma;
        }
    }

    /** Parses {@code kind:params}; a bare number means {@code fixed}. */
    static LengthDistribution parse(String spec) {
        String s = spec.strip().toLowerCase(Locale.ROOT);
        int colon = s.indexOf(':');
        if (colon < 0) {
            return new Fixed(Integer.parseInt(s));
        }
        String[] p = s.substring(colon + 1).split(",");
        try {
            return switch (s.substring(0, colon)) {
                case "fixed" -> new Fixed(Integer.parseInt(p[0]));
                case "uniform" -> new Uniform(Integer.parseInt(p[0]), Integer.parseInt(p[1]));
                case "normal" -> new Normal(Double.parseDouble(p[0]), Double.parseDouble(p[1]));
                case "lognormal" -> new LogNormal(Double.parseDouble(p[0]), Double.parseDouble(p[1]));
                default -> throw new IllegalArgumentException("unknown length distribution '" + spec
                        + "' (fixed:N, uniform:MIN,MAX, normal:MEAN,SD, lognormal:MEDIAN,SIGMA)");
            };
        } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
            throw new IllegalArgumentException("malformed length distribution '" + spec + "'", e);
        }
    }

    private static void positive(int n, String what) {
        if (n < 1) {
            throw new IllegalArgumentException(what + " must be ≥ 1, got " + n);
        }
    }

    private static int clamp(long n) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, n));
    }
}
