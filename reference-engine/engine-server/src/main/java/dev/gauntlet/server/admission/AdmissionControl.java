package dev.gauntlet.server.admission;

import dev.gauntlet.server.errors.ApiException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the requests inside the engine (running plus waiting). The engine's own queue is
 * unbounded; bounding it here turns overload into an immediate HTTP 429 instead of unbounded
 * queueing delay. Counted from submission to the request's final event.
 */
public final class AdmissionControl {
    private final int capacity;
    private final int retryAfterSeconds;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong rejected = new AtomicLong();

    /**
     * @param capacity          most requests in the engine at once
     * @param retryAfterSeconds the {@code Retry-After} suggested to rejected clients
     */
    public AdmissionControl(int capacity, int retryAfterSeconds) {
        if (capacity < 1) {
            throw new IllegalArgumentException("admission capacity must be ≥ 1, got " + capacity);
        }
        this.capacity = capacity;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /**
     * Takes a slot; the caller must {@link #release()} it exactly once when the request ends.
     *
     * @throws ApiException HTTP 429 when every slot is taken
     */
    public void acquire() {
        int now;
        do {
            now = inFlight.get();
            if (now >= capacity) {
                rejected.incrementAndGet();
                throw ApiException.queueFull(capacity, retryAfterSeconds);
            }
        } while (!inFlight.compareAndSet(now, now + 1));
    }

    /** Gives a slot back. */
    public void release() {
        inFlight.decrementAndGet();
    }

    /** Requests currently admitted. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Requests refused with HTTP 429 so far. */
    public long rejected() {
        return rejected.get();
    }
}
