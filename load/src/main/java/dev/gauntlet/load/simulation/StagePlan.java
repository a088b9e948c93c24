package dev.gauntlet.load.simulation;

import java.time.Duration;

/**
 * One stage of a campaign: a load model held for {@code duration}. Requests scheduled in the first
 * {@code warmup} or the last {@code cooldown} run like any other but stay out of the statistics, so
 * that the stage is measured in its steady state.
 */
public record StagePlan(String name, LoadModel load, Duration duration, Duration warmup, Duration cooldown) {

    public StagePlan {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("stage " + name + " needs a positive duration");
        }
        if (warmup.plus(cooldown).compareTo(duration) >= 0) {
            throw new IllegalArgumentException("stage " + name + ": warm-up plus cool-down leave no measured time");
        }
    }

    /** Whether a request meant to start at {@code intendedNanos} is measured, the stage having started at {@code originNanos}. */
    public boolean inWindow(long originNanos, long intendedNanos) {
        return intendedNanos >= originNanos + warmup.toNanos() && intendedNanos < originNanos + duration.minus(cooldown).toNanos();
    }

    /** The measured window's length. */
    public Duration measured() {
        return duration.minus(warmup).minus(cooldown);
    }
}
