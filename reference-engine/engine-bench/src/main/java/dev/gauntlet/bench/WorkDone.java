package dev.gauntlet.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Counts the work a benchmark does as secondary results, normalised like the primary one: in
 * throughput mode each reads as a rate (bytes per second), and per operation it is
 * {@code bytes / ops}. The two rooflines divide by them.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class WorkDone {
    /** Bytes read (and, for a copy, written) so far in the iteration. */
    public long bytes;
    /** Multiply-adds (one per weight and input; lanes of a vector multiply-add each count) so far. */
    public long multiplyAdds;

    /** Starts each iteration's count from zero. */
    @Setup(Level.Iteration)
    public void reset() {
        bytes = 0;
        multiplyAdds = 0;
    }
}
