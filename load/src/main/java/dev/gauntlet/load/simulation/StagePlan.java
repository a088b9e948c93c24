package dev.gauntlet.load.simulation;

import java.time.Duration;
import java.util.List;

/**
 * One stage of a campaign: a load model held for {@code duration}. Requests scheduled in the first
 * {@code warmup} or the last {@code cooldown} run like any other but stay out of the statistics, so
 * that the stage is measured in its steady state. {@code phases}, when given, get statistics of
 * their own besides the stage's.
 */
public record StagePlan(String name, LoadModel load, Duration duration, Duration warmup, Duration cooldown,
                        List<Phase> phases) {

    public StagePlan {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("stage " + name + " needs a positive duration");
        }
        if (warmup.plus(cooldown).compareTo(duration) >= 0) {
            throw new IllegalArgumentException("stage " + name + ": warm-up plus cool-down leave no measured time");
        }
        if (load instanceof LoadModel.Open open && !open.duration().equals(duration)) {
            throw new IllegalArgumentException("stage " + name + ": its rate schedule lasts " + open.duration()
                    + ", the stage " + duration);
        }
        for (Phase p : phases) {
            if (p.end().compareTo(duration) > 0 || overlap(p, warmup, duration.minus(cooldown)).isZero()) {
                throw new IllegalArgumentException("stage " + name + ": phase " + p.name() + " has no measured time inside it");
            }
        }
        phases = List.copyOf(phases);
    }

    /** A stage without phases. */
    public StagePlan(String name, LoadModel load, Duration duration, Duration warmup, Duration cooldown) {
        this(name, load, duration, warmup, cooldown, List.of());
    }

    /** Whether a request meant to start at {@code intendedNanos} is measured, the stage having started at {@code originNanos}. */
    public boolean inWindow(long originNanos, long intendedNanos) {
        return intendedNanos >= originNanos + warmup.toNanos() && intendedNanos < originNanos + duration.minus(cooldown).toNanos();
    }

    /** Whether such a request is measured and falls in {@code phase}. */
    public boolean inPhase(Phase phase, long originNanos, long intendedNanos) {
        return inWindow(originNanos, intendedNanos) && intendedNanos >= originNanos + phase.start().toNanos()
                && intendedNanos < originNanos + phase.end().toNanos();
    }

    /** The measured window's length. */
    public Duration measured() {
        return duration.minus(warmup).minus(cooldown);
    }

    /** The measured part of {@code phase}: its overlap with the measured window. */
    public Duration window(Phase phase) {
        return overlap(phase, warmup, duration.minus(cooldown));
    }

    private static Duration overlap(Phase phase, Duration from, Duration to) {
        Duration start = max(phase.start(), from);
        Duration end = min(phase.end(), to);
        return end.compareTo(start) > 0 ? end.minus(start) : Duration.ZERO;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
