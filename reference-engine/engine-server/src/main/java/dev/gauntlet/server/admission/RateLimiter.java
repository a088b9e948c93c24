package dev.gauntlet.server.admission;

import dev.gauntlet.server.errors.ApiException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Per-client token buckets. Clients are API keys, or addresses when keys are off; so that a
 * stream of new addresses cannot grow the map without bound, full buckets (idle clients, whom a
 * fresh bucket would treat the same) are dropped once the map grows past a threshold.
 */
public final class RateLimiter {
    private static final int SWEEP_THRESHOLD = 10_000;

    private final RateLimitSettings settings;
    private final LongSupplier clock;
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong rejected = new AtomicLong();

    /** @param clock monotonic nanoseconds ({@code System::nanoTime}; a fake one in tests) */
    public RateLimiter(RateLimitSettings settings, LongSupplier clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** Whether requests are limited at all. */
    public boolean enabled() {
        return settings.enabled();
    }

    /**
     * Lets one request of {@code client} through, or refuses it.
     *
     * @throws ApiException HTTP 429 {@code rate_limit_exceeded} with a {@code Retry-After} of the
     *                      whole seconds until the client's next token
     */
    public void acquire(String client) {
        if (!enabled()) {
            return;
        }
        long now = clock.getAsLong();
        if (buckets.size() > SWEEP_THRESHOLD) {
            buckets.values().removeIf(b -> b.isFull(now));
        }
        long waitNanos = buckets.computeIfAbsent(client, c -> new TokenBucket(settings.rps(),
                settings.effectiveBurst(), now)).tryTake(now);
        if (waitNanos > 0) {
            rejected.incrementAndGet();
            throw ApiException.rateLimited(settings.rps(), (int) Math.min(Integer.MAX_VALUE,
                    Math.ceilDiv(waitNanos, 1_000_000_000L)));
        }
    }

    /** Requests refused so far. */
    public long rejected() {
        return rejected.get();
    }

    /** Clients with a bucket now. */
    int trackedClients() {
        return buckets.size();
    }
}
