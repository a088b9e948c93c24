package dev.gauntlet.load.campaign;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.load.stats.Slo;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SaturationMonitorTest {
    private static final long[] NONE = {};

    @Test
    void aSteadyNoisyQueueIsNotSaturation() {
        // 20 arrivals/s, a queue that wanders around 10 as a target keeping up would hold it.
        SaturationMonitor monitor = new SaturationMonitor(Slo.parse("ttft_p99=1s"), 600);
        SplittableRandom random = new SplittableRandom(1);
        for (int t = 1; t <= 30; t++) {
            long queue = 10 + random.nextInt(-4, 5);
            assertNull(monitor.check(new SaturationMonitor.Sample(t, queue, 20L * t, new long[]{200_000_000})), "t=" + t);
        }
    }

    @Test
    void aQueueGrowingLinearlyIsSaturationOnceTwoWindowsShowIt() {
        // 20 arrivals/s, 8 completions/s: the queue grows by 12/s.
        SaturationMonitor monitor = new SaturationMonitor(Slo.NONE, 600);
        String reason = null;
        int t = 0;
        while (reason == null && t < 30) {
            t++;
            reason = monitor.check(new SaturationMonitor.Sample(t, 12L * t, 20L * t, NONE));
        }
        assertNotNull(reason);
        assertTrue(t >= 2 * SaturationMonitor.WINDOW_SECONDS, "needs two full windows, stopped at " + t);
        assertTrue(reason.startsWith("queue growing without bound"), reason);
    }

    @Test
    void growthBelowHalfTheArrivalsOrInAClosedLoopIsNotSaturation() {
        SaturationMonitor slow = new SaturationMonitor(Slo.NONE, 600);
        SaturationMonitor closed = new SaturationMonitor(Slo.NONE, 600);
        for (int t = 1; t <= 30; t++) {
            assertNull(slow.check(new SaturationMonitor.Sample(t, 8L * t, 20L * t, NONE)));
            assertNull(closed.check(new SaturationMonitor.Sample(t, 12L * t, -1, NONE)));
        }
    }

    @Test
    void moreRequestsFarPastTheTtftBoundThanItsPercentileAllowsIsSaturation() {
        // p99 of 1000 planned requests allows 10 late ones; 3 × 1 s is "far past".
        SaturationMonitor monitor = new SaturationMonitor(Slo.parse("tpot_p99=100ms,ttft_p99=1s"), 1000);
        long late = 3_100_000_000L;
        long[] ten = new long[10];
        java.util.Arrays.fill(ten, late);
        assertNull(monitor.check(new SaturationMonitor.Sample(5, 10, -1, ten)));
        long[] eleven = java.util.Arrays.copyOf(ten, 12);
        eleven[10] = late;
        eleven[11] = 2_900_000_000L;
        String reason = monitor.check(new SaturationMonitor.Sample(6, 12, -1, eleven));
        assertNotNull(reason);
        assertTrue(reason.startsWith("11 requests have waited over 3× the ttft bound (1000 ms)"), reason);
        // Without a first-token bound the waits say nothing.
        assertNull(new SaturationMonitor(Slo.parse("tpot_p99=100ms"), 1000).check(new SaturationMonitor.Sample(6, 12, -1, eleven)));
    }
}
