package dev.gauntlet.load.simulation;

import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;

/** How requests arrive during a stage. */
public sealed interface LoadModel {

    /** A short label for tables: {@code c=8}, {@code rate=4/s}, {@code poisson=4/s}. */
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
     * Open loop: arrivals on a schedule fixed in advance, independent of how fast the target answers,
     * so a slow target meets the same demand (and its queueing shows in TTFT).
     */
    sealed interface Open extends LoadModel {
        /** Requests per second. */
        double rate();

        /** Arrival offsets from the stage's start, in nanoseconds, ascending, all below {@code duration}. */
        long[] arrivals(Duration duration);
    }

    /** Open loop, evenly spaced arrivals. */
    record Constant(double rate) implements Open {
        public Constant {
            positive(rate);
        }

        @Override
        public long[] arrivals(Duration duration) {
            long gap = Math.round(1e9 / rate);
            long count = (duration.toNanos() + gap - 1) / gap;
            long[] out = new long[Math.toIntExact(count)];
            for (int i = 0; i < out.length; i++) {
                out[i] = i * gap;
            }
            return out;
        }

        @Override
        public String label() {
            return "rate=" + rate + "/s";
        }
    }

    /** Open loop, Poisson arrivals: independent exponential gaps of mean {@code 1/rate}, seeded. */
    record Poisson(double rate, long seed) implements Open {
        public Poisson {
            positive(rate);
        }

        @Override
        public long[] arrivals(Duration duration) {
            SplittableRandom random = new SplittableRandom(seed);
            long end = duration.toNanos();
            long[] out = new long[16];
            int n = 0;
            double t = 0;
            while (true) {
                // Inverse transform: -ln(U)/rate with U in (0, 1].
                t += -Math.log(1.0 - random.nextDouble()) / rate * 1e9;
                if (t >= end) {
                    return Arrays.copyOf(out, n);
                }
                if (n == out.length) {
                    out = Arrays.copyOf(out, n * 2);
                }
                out[n++] = (long) t;
            }
        }

        @Override
        public String label() {
            return "poisson=" + rate + "/s";
        }
    }

    private static void positive(double rate) {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("rate must be > 0, got " + rate);
        }
    }
}
