package dev.gauntlet.load.simulation;

import java.time.Duration;

/**
 * A named slice of a stage with statistics of its own (a spike's before, spike and after; a soak's
 * minutes): the requests whose intended start lies in {@code [start, start + length)} after the
 * stage's start, and in the stage's measured window.
 */
public record Phase(String name, Duration start, Duration length) {
    public Phase {
        if (start.isNegative() || length.isNegative() || length.isZero()) {
            throw new IllegalArgumentException("phase " + name + " needs a start ≥ 0 and a positive length");
        }
    }

    /** The phase's end after the stage's start. */
    public Duration end() {
        return start.plus(length);
    }
}
