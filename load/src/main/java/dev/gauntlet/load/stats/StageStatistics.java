package dev.gauntlet.load.stats;

import dev.gauntlet.load.client.ErrorClass;
import dev.gauntlet.load.client.RequestRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.HdrHistogram.Histogram;

/**
 * A stage's statistics over its measured requests (intended start inside the window).
 *
 * @param requests           every request the stage sent, warm-up and cool-down included
 * @param measured           requests whose intended start lies in the measured window
 * @param succeeded          measured requests that completed
 * @param windowSeconds      the measured window's length, the denominator of every rate
 * @param requestsPerSecond  succeeded requests per second
 * @param outputTokensPerSecond output tokens (server usage, else client count) of succeeded requests per second
 * @param totalTokensPerSecond  input plus output tokens of succeeded requests per second
 * @param goodput            requests per second that succeeded and met every SLO bound
 * @param sloMet             whether every SLO bound's percentile held (true without an SLO)
 * @param metrics            each metric's distribution
 * @param histograms         the histograms behind {@code metrics}, for HdrHistogram logs
 * @param usageDisagreements succeeded requests whose client token count differs from the server's usage
 * @param agreement          client (from actual send) minus server timings, when the server reports them
 * @param errors             failures by class
 */
public record StageStatistics(long requests, long measured, long succeeded, double windowSeconds,
                              double requestsPerSecond, double outputTokensPerSecond, double totalTokensPerSecond,
                              double goodput, boolean sloMet, Map<Metric, Summary> metrics,
                              Map<Metric, Histogram> histograms, long usageDisagreements,
                              ServerAgreement agreement, Map<ErrorClass, ErrorSummary> errors) {

    /**
     * The median difference between the client's and the server's view of the same requests, in ms:
     * client time from its actual send minus the server's time from reading the request.
     */
    public record ServerAgreement(long requests, double ttftOffsetP50Ms, double e2eOffsetP50Ms) {
    }

    private static final long HIGHEST_NANOS = 3_600_000_000_000L;

    /**
     * @param all           every request of the stage
     * @param inWindow      which requests are measured
     * @param windowSeconds the measured window's length
     */
    public static StageStatistics of(List<RequestRecord> all, Predicate<RequestRecord> inWindow, double windowSeconds,
                                     Slo slo) {
        Map<Metric, Histogram> hist = new EnumMap<>(Metric.class);
        for (Metric m : Metric.values()) {
            hist.put(m, new Histogram(m == Metric.TOKENS_PER_CHUNK ? 1_000_000 : HIGHEST_NANOS, 3));
        }
        List<RequestRecord> measured = all.stream().filter(inWindow).toList();
        long succeeded = 0;
        long outputTokens = 0;
        long inputTokens = 0;
        long disagreements = 0;
        Map<ErrorClass, Long> errorCounts = new EnumMap<>(ErrorClass.class);
        Map<ErrorClass, List<String>> examples = new EnumMap<>(ErrorClass.class);
        List<RequestRecord> ok = new ArrayList<>();
        for (RequestRecord r : measured) {
            recordIfKnown(hist.get(Metric.INJECTOR_LAG), RequestMetrics.of(Metric.INJECTOR_LAG, r));
            if (!r.ok()) {
                errorCounts.merge(r.error(), 1L, Long::sum);
                List<String> ex = examples.computeIfAbsent(r.error(), k -> new ArrayList<>());
                if (ex.size() < 3 && !ex.contains(r.errorMessage())) {
                    ex.add(r.errorMessage());
                }
                continue;
            }
            succeeded++;
            ok.add(r);
            outputTokens += r.outputTokens();
            inputTokens += Math.max(0, r.inputTokens());
            if (r.usageOutputTokens() >= 0 && r.usageOutputTokens() != r.clientOutputTokens()) {
                disagreements++;
            }
            for (Metric m : List.of(Metric.TTFT, Metric.TTFO, Metric.E2E, Metric.TPOT)) {
                recordIfKnown(hist.get(m), RequestMetrics.of(m, r));
            }
            long[] chunks = r.chunkNanos();
            for (int i = 0; i < chunks.length; i++) {
                hist.get(Metric.TOKENS_PER_CHUNK).recordValue(r.chunkTokens()[i]);
                if (i > 0) {
                    hist.get(Metric.ITL).recordValue(chunks[i] - chunks[i - 1]);
                }
            }
        }
        Map<Metric, Summary> summaries = new EnumMap<>(Metric.class);
        hist.forEach((m, h) -> summaries.put(m, Summary.of(h, m.scale())));
        long good = ok.stream().filter(r -> meets(slo, r)).count();
        boolean sloMet = slo.missed(summaries).isEmpty();
        Map<ErrorClass, ErrorSummary> errors = new TreeMap<>();
        errorCounts.forEach((k, n) -> errors.put(k, new ErrorSummary(n, List.copyOf(examples.get(k)))));
        return new StageStatistics(all.size(), measured.size(), succeeded, windowSeconds, succeeded / windowSeconds,
                outputTokens / windowSeconds, (inputTokens + outputTokens) / windowSeconds, good / windowSeconds,
                sloMet, summaries, hist, disagreements, agreement(ok), errors);
    }

    /** Whether a successful request meets every bound of the SLO. */
    static boolean meets(Slo slo, RequestRecord r) {
        for (Slo.Bound b : slo.bounds()) {
            long v = RequestMetrics.of(b.metric(), r);
            // A one-token reply has no TPOT: a bound on TPOT cannot fail it.
            if (v > b.limit().toNanos()) {
                return false;
            }
        }
        return true;
    }

    private static ServerAgreement agreement(List<RequestRecord> ok) {
        List<RequestRecord> timed = ok.stream().filter(r -> r.serverTimings() != null
                && !Double.isNaN(r.serverTimings().ttftMs()) && !Double.isNaN(r.serverTimings().e2eMs())).toList();
        if (timed.isEmpty()) {
            return new ServerAgreement(0, Double.NaN, Double.NaN);
        }
        double[] ttft = timed.stream().mapToDouble(r -> RequestMetrics.ttftFromSend(r) / 1e6 - r.serverTimings().ttftMs()).toArray();
        double[] e2e = timed.stream().mapToDouble(r -> RequestMetrics.e2eFromSend(r) / 1e6 - r.serverTimings().e2eMs()).toArray();
        return new ServerAgreement(timed.size(), median(ttft), median(e2e));
    }

    private static double median(double[] values) {
        Arrays.sort(values);
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    private static void recordIfKnown(Histogram h, long value) {
        if (value >= 0) {
            h.recordValue(value);
        }
    }
}
