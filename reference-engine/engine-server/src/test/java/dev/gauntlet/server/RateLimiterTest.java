package dev.gauntlet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gauntlet.server.admission.RateLimitSettings;
import dev.gauntlet.server.admission.RateLimiter;
import dev.gauntlet.server.errors.ApiException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token buckets against a fake clock: burst, refill, Retry-After rounding, per-client buckets. */
class RateLimiterTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private RateLimiter limiter(double rps, int burst) {
        return new RateLimiter(new RateLimitSettings(rps, burst), now::get);
    }

    private void advanceMillis(long ms) {
        now.addAndGet(ms * 1_000_000L);
    }

    @Test
    void burstThenOneTokenPerPeriodWithRetryAfterRoundedUp() {
        RateLimiter limiter = limiter(0.4, 3); // a token every 2.5 s
        for (int i = 0; i < 3; i++) {
            limiter.acquire("a");
        }
        ApiException e = assertThrows(ApiException.class, () -> limiter.acquire("a"));
        assertEquals(429, e.status().value());
        assertEquals(3, e.retryAfterSeconds()); // 2.5 s, rounded up
        advanceMillis(1_000);
        assertEquals(2, assertThrows(ApiException.class, () -> limiter.acquire("a")).retryAfterSeconds()); // 1.5 s
        advanceMillis(1_500);
        limiter.acquire("a");
        assertEquals(2, limiter.rejected());
    }

    @Test
    void clientsHaveTheirOwnBuckets() {
        RateLimiter limiter = limiter(1, 1);
        limiter.acquire("a");
        assertThrows(ApiException.class, () -> limiter.acquire("a"));
        limiter.acquire("b");
        assertEquals(1, limiter.rejected());
    }

    @Test
    void idleTimeRefillsOnlyUpToTheBurst() {
        RateLimiter limiter = limiter(10, 2);
        advanceMillis(60_000);
        limiter.acquire("a");
        limiter.acquire("a");
        ApiException e = assertThrows(ApiException.class, () -> limiter.acquire("a"));
        assertEquals(1, e.retryAfterSeconds()); // 0.1 s rounds up to 1
    }

    @Test
    void defaultBurstIsTheRateRoundedUpAndZeroRateIsOff() {
        assertEquals(3, new RateLimitSettings(2.5, 0).effectiveBurst());
        assertEquals(1, new RateLimitSettings(0.1, 0).effectiveBurst());
        RateLimiter off = limiter(0, 0);
        assertFalse(off.enabled());
        for (int i = 0; i < 1000; i++) {
            off.acquire("a");
        }
        assertEquals(0, off.rejected());
        assertThrows(IllegalArgumentException.class, () -> new RateLimitSettings(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> new RateLimitSettings(Double.NaN, 0));
    }
}
