package dev.gauntlet.server.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The breaker's state machine, on a clock the test moves. */
class CircuitBreakerTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final CircuitBreaker breaker = new CircuitBreaker(3, 500, now::get);

    @Test
    void opensAfterConsecutiveFailuresOnly() {
        breaker.onFailure();
        breaker.onFailure();
        breaker.onSuccess();
        breaker.onFailure();
        breaker.onFailure();
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state(), "a success resets the count");
        breaker.onFailure();
        assertEquals(CircuitBreaker.State.OPEN, breaker.state());
        assertFalse(breaker.isAvailable());
        assertFalse(breaker.tryAcquire());
    }

    @Test
    void halfOpenLetsOneProbeThroughAfterTheCooldown() {
        tripOpen();
        now.addAndGet(499);
        assertFalse(breaker.tryAcquire(), "still cooling down");
        now.addAndGet(1);
        assertTrue(breaker.isAvailable());
        assertTrue(breaker.tryAcquire(), "the probe");
        assertEquals(CircuitBreaker.State.HALF_OPEN, breaker.state());
        assertFalse(breaker.tryAcquire(), "one probe at a time");
        breaker.onSuccess();
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
        assertTrue(breaker.tryAcquire());
    }

    @Test
    void aFailedProbeReopensAndAReleasedOneFreesTheSlot() {
        tripOpen();
        now.addAndGet(500);
        assertTrue(breaker.tryAcquire());
        breaker.release();
        assertTrue(breaker.tryAcquire(), "a released probe slot is free again");
        breaker.onFailure();
        assertEquals(CircuitBreaker.State.OPEN, breaker.state());
        assertFalse(breaker.tryAcquire(), "a new cool-down starts");
        now.addAndGet(500);
        assertTrue(breaker.tryAcquire());
    }

    private void tripOpen() {
        for (int i = 0; i < 3; i++) {
            breaker.onFailure();
        }
        assertEquals(CircuitBreaker.State.OPEN, breaker.state());
    }
}
