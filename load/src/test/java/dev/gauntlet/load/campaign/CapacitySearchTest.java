package dev.gauntlet.load.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.load.client.RequestRecord;
import dev.gauntlet.load.simulation.LoadModel;
import dev.gauntlet.load.simulation.Spacing;
import dev.gauntlet.load.simulation.StagePlan;
import dev.gauntlet.load.stats.Slo;
import dev.gauntlet.load.stats.StageStatistics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapacitySearchTest {
    private static final Slo SLO = Slo.parse("ttft_p99=1s");

    @Test
    void bisectionBracketsTheCapacityWithinItsPrecision() {
        double capacity = 13.7;
        RateBisection search = new RateBisection(1, 2, 0.05);
        int probes = 0;
        while (!search.converged()) {
            double rate = search.next();
            search.record(rate, rate <= capacity);
            probes++;
            assertTrue(probes < 20, "does not converge");
        }
        assertTrue(search.highestPass() <= capacity && search.lowestFail() > capacity);
        assertTrue(search.lowestFail() - search.highestPass() <= 0.05 * search.highestPass());
        // 1, 2, 4, 8, 16 then bisection between 8 and 16 down to 5 %.
        assertEquals(9, probes);
    }

    @Test
    void aFirstRateThatFailsHalvesDownwards() {
        RateBisection search = new RateBisection(8, 2, 0.1);
        search.record(search.next(), false);
        assertEquals(4, search.next());
        search.record(4, false);
        search.record(search.next(), true);
        assertEquals(2, search.highestPass());
        assertEquals(3, search.next());
        RateBisection hopeless = new RateBisection(8, 2, 0.1);
        for (int i = 0; i < 7 && !hopeless.converged(); i++) {
            hopeless.record(hopeless.next(), false);
        }
        assertTrue(hopeless.converged(), "gives up below start / 64");
        assertTrue(Double.isNaN(hopeless.highestPass()));
    }

    /** A finished stage at the plan's rate whose measured requests all had {@code ttftMs} (or all failed, when negative). */
    private static StageResult finished(StagePlan plan, double ttftMs, String stoppedEarly) {
        List<RequestRecord> records = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            long ttft = (long) (ttftMs * 1e6);
            records.add(ttftMs < 0
                    ? new RequestRecord(i, 0, 0, RequestRecord.NEVER, RequestRecord.NEVER, RequestRecord.NEVER,
                    RequestRecord.NEVER, 1000, new long[0], new int[0], 4, -1, 503, null, null, null,
                    dev.gauntlet.load.client.ErrorClass.HTTP_STATUS, "HTTP 503")
                    : new RequestRecord(i, 0, 0, ttft, ttft, ttft, ttft + 10, ttft + 10, new long[]{ttft, ttft + 5},
                    new int[]{1, 1}, 4, 2, 200, null, null, null, null, null));
        }
        StageStatistics stats = StageStatistics.of(records, r -> true, 10, SLO);
        return new StageResult(plan, 0, records, stats, List.of(), 0.1, Path.of("."), null, stoppedEarly);
    }

    @Test
    void theSearchPlansStagesRecordsEachProbeAndStopsAtTheStageLimit() {
        CapacitySearch search = new CapacitySearch(2, 0.1, new Spacing.Poisson(), 1, Duration.ofSeconds(10), 3,
                Duration.ofMinutes(10), SLO);
        List<StageResult> done = new ArrayList<>();
        StagePlan first = search.next(done);
        assertEquals(2, ((LoadModel.Open) first.load()).meanRate(), 1e-9);
        done.add(finished(first, 100, null));
        StagePlan second = search.next(done);
        assertEquals(4, ((LoadModel.Open) second.load()).meanRate(), 1e-9);
        done.add(finished(second, 3000, null));
        StagePlan third = search.next(done);
        assertEquals(3, ((LoadModel.Open) third.load()).meanRate(), 1e-9);
        done.add(finished(third, 100, "queue growing without bound"));
        assertNull(search.next(done));
        CapacitySearch.Outcome outcome = search.outcome();
        assertEquals(2, outcome.maxRate());
        assertEquals("stage limit (3) reached", outcome.stopReason());
        assertEquals(3, outcome.probes().size());
        assertNull(outcome.probes().get(0).failure());
        String missed = outcome.probes().get(1).failure();
        assertTrue(missed.startsWith("SLO missed: ttft_p99 300") && missed.endsWith(" ms > 1000 ms"), missed);
        assertEquals("stopped early: queue growing without bound", outcome.probes().get(2).failure());
    }

    @Test
    void failedRequestsBeyondTheBudgetFailAProbe() {
        CapacitySearch search = new CapacitySearch(2, 0.1, new Spacing.Poisson(), 1, Duration.ofSeconds(10), 3,
                Duration.ofMinutes(10), SLO);
        StagePlan plan = search.next(List.of());
        assertEquals("no measured request succeeded", search.failure(finished(plan, -1, null)));
    }

    @Test
    void aCapacitySearchNeedsAnSlo() {
        var e = assertThrows(IllegalArgumentException.class, () -> new CapacitySearch(2, 0.1, new Spacing.Poisson(), 1,
                Duration.ofSeconds(10), 3, Duration.ofMinutes(10), Slo.NONE));
        assertTrue(e.getMessage().contains("--slo"), e.getMessage());
    }
}
