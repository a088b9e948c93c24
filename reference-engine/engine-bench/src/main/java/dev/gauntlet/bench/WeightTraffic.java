package dev.gauntlet.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Counts the bytes the benchmark moves as a secondary result, normalised like the primary one:
 * in throughput mode it reads as bytes per second, and bytes per operation is
 * {@code bytes / ops}.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class WeightTraffic {
    /** Bytes read (and, for a copy, written) so far in the iteration. */
    public long bytes;

    /** Starts each iteration's count from zero. */
    @Setup(Level.Iteration)
    public void reset() {
        bytes = 0;
    }
}
