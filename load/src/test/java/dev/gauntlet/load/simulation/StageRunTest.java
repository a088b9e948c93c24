package dev.gauntlet.load.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StageRunTest {
    private static final long MS = 1_000_000;

    @Test
    void aFirstArrivalSentLateDoesNotMakeTheLaterOnesLookEarly() {
        // 10/s evenly: offsets 0, 100, 200, ... ms. The schedule starts at t = 1000 ms; the first user runs 30 ms late.
        StagePlan plan = new StagePlan("s", LoadModel.Open.steady(10, new Spacing.Even(), 0, Duration.ofSeconds(1)),
                Duration.ofSeconds(1), Duration.ZERO, Duration.ZERO);
        StageRun run = new StageRun(plan, null, null, new AtomicLong(), CampaignClock.start(), Duration.ofSeconds(1));
        long start = 1000 * MS;
        assertEquals(start + 30 * MS, run.intendedStart(start + 30 * MS), "alone, it looks on time");
        assertEquals(start + 100 * MS, run.intendedStart(start + 100 * MS));
        assertEquals(start, run.originNanos(), "the origin moved back to when the schedule began");
        // From then on a late send shows as lag: intended stays on the schedule.
        assertEquals(start + 200 * MS, run.intendedStart(start + 212 * MS));
        assertEquals(3, run.scheduledBy(start + 250 * MS));
    }
}
