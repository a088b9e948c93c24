package dev.gauntlet.server.router;

import java.util.function.LongSupplier;

/**
 * A per-replica circuit breaker: closed (requests flow) → open after {@code threshold} consecutive
 * failures (no requests) → half-open once {@code cooldown} has passed (exactly one probe request) →
 * closed when the probe succeeds, open again when it fails.
 *
 * <p>Hand-written rather than taken from a library: the whole state machine is a few lines, the
 * build is offline, and the router needs its exact states for {@code llm_router_breaker_state}.
 */
public final class CircuitBreaker {
    /** The breaker's states, with their {@code llm_router_breaker_state} values. */
    public enum State {
        CLOSED(0), HALF_OPEN(1), OPEN(2);

        private final int gauge;

        State(int gauge) {
            this.gauge = gauge;
        }

        /** The metric value: 0 closed, 1 half-open, 2 open. */
        public int gauge() {
            return gauge;
        }
    }

    private final int threshold;
    private final long cooldownNanos;
    private final LongSupplier clock;
    private State state = State.CLOSED;
    private int consecutiveFailures;
    private long openedAt;
    private boolean probing;

    /**
     * @param threshold     consecutive failures that open the breaker (≥ 1)
     * @param cooldownNanos how long it stays open before letting a probe through
     * @param clock         nanosecond clock ({@link System#nanoTime} outside tests)
     */
    public CircuitBreaker(int threshold, long cooldownNanos, LongSupplier clock) {
        if (threshold < 1) {
            throw new IllegalArgumentException("the breaker threshold must be ≥ 1, got " + threshold);
        }
        this.threshold = threshold;
        this.cooldownNanos = cooldownNanos;
        this.clock = clock;
    }

    /** Whether {@link #tryAcquire} would let a request through now (without reserving anything). */
    public synchronized boolean isAvailable() {
        return switch (state) {
            case CLOSED -> true;
            case HALF_OPEN -> !probing;
            case OPEN -> cooldownOver();
        };
    }

    /**
     * Lets one request through, or refuses it. In half-open state only one probe is in flight at a
     * time; its outcome must be reported with {@link #onSuccess}, {@link #onFailure} or {@link #release}.
     */
    public synchronized boolean tryAcquire() {
        if (state == State.OPEN && cooldownOver()) {
            state = State.HALF_OPEN;
            probing = false;
        }
        return switch (state) {
            case CLOSED -> true;
            case HALF_OPEN -> {
                if (probing) {
                    yield false;
                }
                probing = true;
                yield true;
            }
            case OPEN -> false;
        };
    }

    /** The replica answered: closes the breaker. */
    public synchronized void onSuccess() {
        state = State.CLOSED;
        consecutiveFailures = 0;
        probing = false;
    }

    /** The replica failed: opens the breaker after enough consecutive failures, or at once when half-open. */
    public synchronized void onFailure() {
        consecutiveFailures++;
        if (state == State.HALF_OPEN || consecutiveFailures >= threshold) {
            state = State.OPEN;
            openedAt = clock.getAsLong();
            probing = false;
        }
    }

    /** A request ended without telling anything about the replica (the client left): frees the probe slot. */
    public synchronized void release() {
        probing = false;
    }

    /** The current state (open stays open until a request finds the cool-down over). */
    public synchronized State state() {
        return state;
    }

    private boolean cooldownOver() {
        return clock.getAsLong() - openedAt >= cooldownNanos;
    }
}
