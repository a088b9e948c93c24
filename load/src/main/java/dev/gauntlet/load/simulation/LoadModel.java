package dev.gauntlet.load.simulation;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleSupplier;

/** How requests arrive during a stage. */
public sealed interface LoadModel {

    /** A short label for tables: {@code c=8}, {@code rate=4/s}, {@code poisson=2→8→2/s}. */
    String label();

    /** Closed loop: {@code concurrency} users, each sending its next request as soon as the last one ends. */
    record Closed(int concurrency) implements LoadModel {
        public Closed {
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be ≥ 1, got " + concurrency);
            }
        }

        @Override
        public String label() {
            return "c=" + concurrency;
        }
    }

    /**
     * A stretch of an open loop whose rate goes linearly from {@code fromRate} to {@code toRate}
     * (equal for a steady rate), in requests per second.
     */
    record Segment(Duration duration, double fromRate, double toRate) {
        public Segment {
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("a rate segment needs a positive duration, got " + duration);
            }
            if (!(fromRate >= 0) || !(toRate >= 0) || Double.isInfinite(fromRate) || Double.isInfinite(toRate)
                    || fromRate + toRate == 0) {
                throw new IllegalArgumentException("rates must be ≥ 0 and not both 0, got " + fromRate + " → " + toRate);
            }
        }

        double seconds() {
            return duration.toNanos() / 1e9;
        }

        /** Arrivals expected from the segment's start to {@code t} seconds into it: the integral of the rate. */
        double expectedBy(double t) {
            return fromRate * t + (toRate - fromRate) * t * t / (2 * seconds());
        }

        /** The inverse of {@link #expectedBy}: when, in seconds into the segment, {@code n} arrivals are expected. */
        double timeOf(double n) {
            double k = (toRate - fromRate) / (2 * seconds());
            double root = Math.sqrt(Math.max(0, fromRate * fromRate + 4 * k * n));
            // 2n / (a + √(a² + 4kn)) solves kτ² + aτ = n without the cancellation of the textbook formula (and for k = 0).
            return n == 0 ? 0 : 2 * n / (fromRate + root);
        }
    }

    /**
     * Open loop: arrivals on a schedule fixed in advance, independent of how fast the target answers,
     * so a slow target meets the same demand (and its queueing shows in TTFT). The rate follows
     * {@code segments} one after the other (a ramp, a spike, or one steady segment); {@code spacing}
     * decides how arrivals bunch around that rate, drawn from {@code seed}.
     *
     * <p>Arrivals are placed in "operational time": gaps of mean 1 are drawn from the spacing and
     * the k-th arrival is put where the rate's integral reaches their sum. A steady rate gives the
     * plain process; a changing rate stretches it (for Poisson, the non-homogeneous Poisson process).
     */
    record Open(List<Segment> segments, Spacing spacing, long seed) implements LoadModel {
        public Open {
            if (segments.isEmpty()) {
                throw new IllegalArgumentException("an open loop needs at least one rate segment");
            }
            segments = List.copyOf(segments);
        }

        /** One steady rate for {@code duration}. */
        public static Open steady(double rate, Spacing spacing, long seed, Duration duration) {
            return new Open(List.of(new Segment(duration, rate, rate)), spacing, seed);
        }

        /** The segments' total length. */
        public Duration duration() {
            return segments.stream().map(Segment::duration).reduce(Duration.ZERO, Duration::plus);
        }

        /** Arrivals expected between {@code from} and {@code to} after the start. */
        public double expected(Duration from, Duration to) {
            return expectedBy(to.toNanos() / 1e9) - expectedBy(from.toNanos() / 1e9);
        }

        /** The mean rate over the whole schedule, requests per second. */
        public double meanRate() {
            return expected(Duration.ZERO, duration()) / (duration().toNanos() / 1e9);
        }

        private double expectedBy(double t) {
            double before = 0;
            for (Segment s : segments) {
                if (t <= s.seconds()) {
                    return before + s.expectedBy(Math.max(0, t));
                }
                before += s.expectedBy(s.seconds());
                t -= s.seconds();
            }
            return before;
        }

        /** Arrival offsets from the stage's start, in nanoseconds, ascending, all below {@link #duration()}. */
        public long[] arrivals() {
            DoubleSupplier gaps = spacing.unitGaps(seed);
            long[] out = new long[16];
            int n = 0;
            double at = gaps.getAsDouble();
            double segmentStart = 0;
            double expectedBefore = 0;
            for (Segment s : segments) {
                double expected = s.expectedBy(s.seconds());
                while (at < expectedBefore + expected) {
                    long nanos = (long) ((segmentStart + s.timeOf(at - expectedBefore)) * 1e9);
                    if (n == out.length) {
                        out = Arrays.copyOf(out, n * 2);
                    }
                    out[n++] = Math.min(nanos, (long) ((segmentStart + s.seconds()) * 1e9) - 1);
                    at += gaps.getAsDouble();
                }
                expectedBefore += expected;
                segmentStart += s.seconds();
            }
            return Arrays.copyOf(out, n);
        }

        @Override
        public String label() {
            List<String> rates = new ArrayList<>();
            for (Segment s : segments) {
                for (double r : new double[]{s.fromRate(), s.toRate()}) {
                    String text = number(r);
                    if (rates.isEmpty() || !rates.getLast().equals(text)) {
                        rates.add(text);
                    }
                }
            }
            String kind = switch (spacing) {
                case Spacing.Even e -> "rate";
                case Spacing.Poisson p -> "poisson";
                case Spacing.Gamma g -> "gamma" + number(g.burstiness());
            };
            return kind + "=" + String.join("→", rates) + "/s";
        }

        private static String number(double v) {
            return v == Math.rint(v) ? Long.toString((long) v)
                    : new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
        }
    }
}
