package dev.gauntlet.engine.scheduler;

import java.time.Instant;

/**
 * Server-side timings of one request. Instants are {@link System#nanoTime()} values (monotonic);
 * {@code arrivalTime} anchors them to the wall clock. Unset instants are -1.
 *
 * @param arrivalTime     wall-clock arrival
 * @param arrivalNanos    arrival
 * @param admittedNanos   first admission into the running batch
 * @param firstTokenNanos first generated token
 * @param finishNanos     the final event
 */
public record RequestTimings(Instant arrivalTime, long arrivalNanos, long admittedNanos, long firstTokenNanos,
                             long finishNanos) {

    /** Time spent waiting before admission, or -1 if never admitted. */
    public long queueWaitNanos() {
        return admittedNanos < 0 ? -1 : admittedNanos - arrivalNanos;
    }

    /** Arrival to first generated token, or -1 if none was generated. */
    public long timeToFirstTokenNanos() {
        return firstTokenNanos < 0 ? -1 : firstTokenNanos - arrivalNanos;
    }

    /** Arrival to the final event. */
    public long totalNanos() {
        return finishNanos - arrivalNanos;
    }

    /** The wall-clock time of one of these instants. */
    public Instant wallClock(long nanos) {
        return arrivalTime.plusNanos(nanos - arrivalNanos);
    }
}
