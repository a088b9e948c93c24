package dev.gauntlet.load.stats;

import dev.gauntlet.load.client.RequestRecord;

/**
 * One request's per-request metrics in nanoseconds, or -1 where the metric does not apply (a failed
 * request has no TTFT; a one-token reply has no TPOT). The definitions are docs/metrics.md's.
 */
public final class RequestMetrics {
    private RequestMetrics() {
    }

    /** The value of a per-request {@code metric} (not ITL or tokens per chunk, which are per chunk). */
    public static long of(Metric metric, RequestRecord r) {
        return switch (metric) {
            case TTFT -> since(r.intendedNanos(), r.ok() ? r.firstContentNanos() : RequestRecord.NEVER);
            case TTFO -> since(r.intendedNanos(), r.ok() ? r.firstOutputNanos() : RequestRecord.NEVER);
            case E2E -> since(r.intendedNanos(), r.ok() ? r.doneNanos() : RequestRecord.NEVER);
            case TPOT -> tpot(r);
            case INJECTOR_LAG -> Math.max(0, r.sentNanos() - r.intendedNanos());
            case ITL, TOKENS_PER_CHUNK -> throw new IllegalArgumentException(metric + " is per chunk, not per request");
        };
    }

    /** (E2E − TTFT) / (output tokens − 1): the first token excluded, as MLPerf does. */
    private static long tpot(RequestRecord r) {
        long e2e = of(Metric.E2E, r);
        long ttft = of(Metric.TTFT, r);
        int tokens = r.outputTokens();
        return e2e < 0 || ttft < 0 || tokens < 2 ? -1 : (e2e - ttft) / (tokens - 1);
    }

    /** Client TTFT measured from the actual send, to compare with the server's own TTFT; -1 when unknown. */
    public static long ttftFromSend(RequestRecord r) {
        return since(r.sentNanos(), r.ok() ? r.firstContentNanos() : RequestRecord.NEVER);
    }

    /** Client E2E measured from the actual send, to compare with the server's own E2E; -1 when unknown. */
    public static long e2eFromSend(RequestRecord r) {
        return since(r.sentNanos(), r.ok() ? r.doneNanos() : RequestRecord.NEVER);
    }

    private static long since(long from, long to) {
        return to == RequestRecord.NEVER ? -1 : Math.max(0, to - from);
    }
}
