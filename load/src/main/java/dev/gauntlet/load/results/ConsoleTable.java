package dev.gauntlet.load.results;

import dev.gauntlet.load.campaign.Campaign;
import dev.gauntlet.load.campaign.CapacitySearch;
import dev.gauntlet.load.campaign.StageResult;
import dev.gauntlet.load.stats.Metric;
import dev.gauntlet.load.stats.StageStatistics;
import java.util.Locale;

/**
 * The short table printed after a campaign (and saved as summary.txt): one row per stage, one
 * indented row per phase under it, and a capacity search's answer.
 */
public final class ConsoleTable {
    private static final String HEADER = String.format(Locale.ROOT,
            "%-10s %-16s %5s %5s %5s %8s %9s %9s %9s %8s %8s %8s %9s %8s%n",
            "stage", "load", "sent", "ok", "fail", "req/s", "out tok/s", "TTFT p50", "TTFT p99", "ITL p50",
            "ITL p99", "TPOT p50", "E2E p99", "goodput");

    private ConsoleTable() {
    }

    /** The table; times in milliseconds, goodput in requests per second. */
    public static String render(CampaignResults results) {
        StringBuilder out = new StringBuilder(HEADER);
        for (StageResult stage : results.stages()) {
            row(out, stage.plan().name() + (stage.stoppedEarly() != null ? "*" : ""), stage.plan().load().label(),
                    stage.stats());
            for (StageResult.PhaseResult p : stage.phases()) {
                row(out, "  " + p.phase().name(), "", p.stats());
            }
        }
        out.append("SLO: ").append(results.config().slo().bounds().isEmpty() ? "none" : results.config().slo())
                .append("; times in ms; sent counts warm-up and cool-down, ok and fail only the measured window")
                .append(System.lineSeparator());
        if (results.stages().stream().anyMatch(s -> s.stoppedEarly() != null)) {
            out.append("*: stopped early, the target over-saturated (see results.json)").append(System.lineSeparator());
        }
        if (results.config().stages() instanceof CapacitySearch search) {
            out.append(Campaign.capacityLine(search.outcome())).append(System.lineSeparator());
        }
        return out.toString();
    }

    private static void row(StringBuilder out, String name, String load, StageStatistics s) {
        out.append(String.format(Locale.ROOT, "%-10s %-16s %5d %5d %5d %8.2f %9.1f %9.1f %9.1f %8.2f %8.2f %8.2f %9.1f %8.2f%n",
                name, load, s.requests(), s.succeeded(), s.measured() - s.succeeded(), s.requestsPerSecond(),
                s.outputTokensPerSecond(), s.metrics().get(Metric.TTFT).p50(), s.metrics().get(Metric.TTFT).p99(),
                s.metrics().get(Metric.ITL).p50(), s.metrics().get(Metric.ITL).p99(), s.metrics().get(Metric.TPOT).p50(),
                s.metrics().get(Metric.E2E).p99(), s.goodput()));
    }
}
