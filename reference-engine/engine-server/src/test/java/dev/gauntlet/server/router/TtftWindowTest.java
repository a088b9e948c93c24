package dev.gauntlet.server.router;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The router's recent-TTFT window: nearest-rank p99, a minimum sample count, and expiry. */
class TtftWindowTest {
    private final AtomicLong now = new AtomicLong();
    private final TtftWindow window = new TtftWindow(1_000, now::get);

    @Test
    void saysNothingWithTooFewSamples() {
        for (int i = 0; i < TtftWindow.MIN_SAMPLES - 1; i++) {
            window.record(500);
        }
        assertEquals(-1, window.p99Nanos());
        window.record(500);
        assertEquals(500, window.p99Nanos());
    }

    @Test
    void p99IsTheNearestRank() {
        for (int i = 1; i <= 200; i++) {
            window.record(i);
        }
        // ceil(0.99 × 200) = 198th smallest.
        assertEquals(198, window.p99Nanos());
    }

    @Test
    void samplesOlderThanTheWindowAreForgotten() {
        for (int i = 0; i < 10; i++) {
            window.record(9_000);
        }
        now.addAndGet(600);
        for (int i = 0; i < 10; i++) {
            window.record(10);
        }
        assertEquals(9_000, window.p99Nanos());
        now.addAndGet(500); // the slow samples are now 1,100 ns old
        assertEquals(10, window.p99Nanos());
    }
}
