package dev.gauntlet.load.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.load.client.ErrorClass;
import dev.gauntlet.load.client.RequestRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Goodput counts succeeded requests meeting every SLO bound; a failed request never counts. */
class GoodputTest {
    private static final long MS = 1_000_000;
    private static final Slo SLO = Slo.parse("ttft_p99=100ms,tpot_p99=10ms");

    /** A succeeded request of {@code tokens} one-token chunks: first at {@code ttftMs}, then every {@code gapMs}. */
    private static RequestRecord ok(long sequence, long ttftMs, long gapMs, int tokens) {
        long[] chunks = new long[tokens];
        int[] perChunk = new int[tokens];
        for (int i = 0; i < tokens; i++) {
            chunks[i] = (ttftMs + i * gapMs) * MS;
            perChunk[i] = 1;
        }
        long done = chunks[tokens - 1];
        return new RequestRecord(sequence, 0, 0, MS, chunks[0], chunks[0], done, done, chunks, perChunk, 8, tokens,
                200, "id", "cmpl", null, null, null);
    }

    /** A request that failed after a fast, promising start. */
    private static RequestRecord failed(long sequence) {
        long[] chunks = {5 * MS};
        return new RequestRecord(sequence, 0, 0, MS, 5 * MS, 5 * MS, RequestRecord.NEVER, 6 * MS, chunks, new int[]{1},
                8, -1, 200, "id", "cmpl", null, ErrorClass.BROKEN_STREAM, "stream ended before [DONE]");
    }

    @Test
    void onlyRequestsMeetingEveryBoundAreGood() {
        List<RequestRecord> records = List.of(
                ok(0, 50, 5, 11),    // good: TTFT 50 ms, TPOT 5 ms
                ok(1, 150, 5, 11),   // TTFT over its bound
                ok(2, 50, 20, 11),   // TPOT over its bound
                ok(3, 99, 9, 11));   // good, just under both
        StageStatistics stats = StageStatistics.of(records, r -> true, 2.0, SLO);
        assertEquals(4, stats.succeeded());
        assertEquals(2 / 2.0, stats.goodput(), 1e-9);
        assertEquals(4 / 2.0, stats.requestsPerSecond(), 1e-9);
    }

    @Test
    void failedRequestsNeverCountAsGood() {
        StageStatistics stats = StageStatistics.of(List.of(failed(0), failed(1), ok(2, 10, 1, 5)), r -> true, 1.0, SLO);
        assertEquals(1, stats.succeeded());
        assertEquals(1.0, stats.goodput(), 1e-9);
        assertEquals(2, stats.errors().get(ErrorClass.BROKEN_STREAM).count());
    }

    @Test
    void withoutAnSloEverySuccessIsGood() {
        StageStatistics stats = StageStatistics.of(List.of(ok(0, 500, 50, 3), failed(1)), r -> true, 1.0, Slo.NONE);
        assertEquals(1.0, stats.goodput(), 1e-9);
        assertTrue(stats.sloMet());
    }

    @Test
    void aOneTokenReplyHasNoTpotToFail() {
        StageStatistics stats = StageStatistics.of(List.of(ok(0, 50, 0, 1)), r -> true, 1.0, SLO);
        assertEquals(1.0, stats.goodput(), 1e-9);
    }

    @Test
    void stageMissesTheSloWhenThePercentileIsOver() {
        StageStatistics stats = StageStatistics.of(List.of(ok(0, 50, 5, 11), ok(1, 300, 5, 11)), r -> true, 1.0, SLO);
        assertFalse(stats.sloMet(), "p99 of TTFT is 300 ms, over 100 ms");
        assertEquals(1.0, stats.goodput(), 1e-9);
    }
}
