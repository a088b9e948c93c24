package dev.gauntlet.server.admission;

/**
 * A token bucket: holds up to {@code capacity} tokens, refilled continuously at {@code rate} per
 * second; each request takes one. Thread-safe.
 */
final class TokenBucket {
    private final double ratePerNano;
    private final double capacity;
    private double tokens;
    private long lastNanos;

    /** A full bucket at time {@code nowNanos}. */
    TokenBucket(double ratePerSecond, int capacity, long nowNanos) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.capacity = capacity;
        this.tokens = capacity;
        this.lastNanos = nowNanos;
    }

    /**
     * Takes a token if there is one.
     *
     * @return 0 when taken, else the nanoseconds until a token will be available
     */
    synchronized long tryTake(long nowNanos) {
        refill(nowNanos);
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - tokens) / ratePerNano));
    }

    /** Whether the bucket is full at {@code nowNanos}: then forgetting it changes nothing for its client. */
    synchronized boolean isFull(long nowNanos) {
        refill(nowNanos);
        return tokens >= capacity;
    }

    private void refill(long nowNanos) {
        // Clocks may be read out of order across threads: never refill backwards.
        if (nowNanos > lastNanos) {
            tokens = Math.min(capacity, tokens + (nowNanos - lastNanos) * ratePerNano);
            lastNanos = nowNanos;
        }
    }
}
