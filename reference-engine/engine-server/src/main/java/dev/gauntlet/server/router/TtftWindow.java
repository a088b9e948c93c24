package dev.gauntlet.server.router;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * The time to first byte of a replica's recent replies, as the router measured them: the samples of
 * the last {@code window}, of which the 99th percentile decides whether to use the fallback route.
 */
public final class TtftWindow {
    /** Fewer samples than this say nothing: one slow request must not divert traffic. */
    static final int MIN_SAMPLES = 5;
    private static final int MAX_SAMPLES = 2048;

    private record Sample(long at, long nanos) {
    }

    private final long windowNanos;
    private final LongSupplier clock;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    public TtftWindow(long windowNanos, LongSupplier clock) {
        this.windowNanos = windowNanos;
        this.clock = clock;
    }

    /** Records one reply's time to first byte. */
    public synchronized void record(long nanos) {
        samples.addLast(new Sample(clock.getAsLong(), nanos));
        if (samples.size() > MAX_SAMPLES) {
            samples.removeFirst();
        }
    }

    /** The 99th percentile of the window's samples in nanoseconds, or -1 with too few samples. */
    public synchronized long p99Nanos() {
        long oldest = clock.getAsLong() - windowNanos;
        while (!samples.isEmpty() && samples.peekFirst().at() < oldest) {
            samples.removeFirst();
        }
        if (samples.size() < MIN_SAMPLES) {
            return -1;
        }
        long[] sorted = samples.stream().mapToLong(Sample::nanos).sorted().toArray();
        // Nearest rank: the smallest sample with at least 99% of the samples at or below it.
        int rank = (int) Math.ceil(0.99 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
