package dev.gauntlet.load.campaign;

import dev.gauntlet.load.simulation.LoadModel;
import dev.gauntlet.load.simulation.Spacing;
import dev.gauntlet.load.simulation.StagePlan;
import dev.gauntlet.load.stats.Slo;
import dev.gauntlet.load.stats.StageStatistics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code --profile capacity}: the highest open-loop arrival rate whose stage meets the SLO. Each
 * probe is one stage at a steady rate ({@link RateBisection} picks it); a probe passes when it was
 * not stopped early, met every SLO bound, and failed at most {@value #ERROR_BUDGET_PERCENT} % of its
 * measured requests. Stages are stopped early once the target is clearly over-saturated, and the
 * search ends when the answer is known to the precision, after {@code maxStages} stages, or when
 * another stage would overrun {@code budget}.
 */
public final class CapacitySearch implements StagePlanner {
    /** Failed requests a passing stage may have, in percent of its measured requests. */
    static final double ERROR_BUDGET_PERCENT = 1;

    /** One probed stage: its rate, and why it failed (null when it passed). */
    public record Probe(String stage, double rate, String failure) {
        public boolean passed() {
            return failure == null;
        }
    }

    /**
     * The search's answer.
     *
     * @param maxRate    the highest rate that passed, or NaN when none did
     * @param stopReason why the search ended
     */
    public record Outcome(double maxRate, String stopReason, double precision, List<Probe> probes) {
    }

    private final RateBisection bisection;
    private final double precision;
    private final Spacing spacing;
    private final long seed;
    private final Duration stage;
    private final int maxStages;
    private final Duration budget;
    private final Slo slo;
    private final List<Probe> probes = new ArrayList<>();
    private long startedNanos;
    private String stopReason;

    /**
     * @param startRate first rate probed, requests per second
     * @param precision the relative gap between highest pass and lowest fail at which the search ends
     * @param stage     each probe's length (warm-up 15 %, cool-down 10 %)
     * @param budget    the longest the search may run, stages started before it ends included
     */
    public CapacitySearch(double startRate, double precision, Spacing spacing, long seed, Duration stage, int maxStages,
                          Duration budget, Slo slo) {
        if (slo.bounds().isEmpty()) {
            throw new IllegalArgumentException("--profile capacity needs an --slo to meet");
        }
        if (maxStages < 1) {
            throw new IllegalArgumentException("--max-stages must be ≥ 1, got " + maxStages);
        }
        this.bisection = new RateBisection(startRate, 2, precision);
        this.precision = precision;
        this.spacing = spacing;
        this.seed = seed;
        this.stage = stage;
        this.maxStages = maxStages;
        this.budget = budget;
        this.slo = slo;
    }

    @Override
    public StagePlan next(List<StageResult> finished) {
        if (finished.isEmpty()) {
            startedNanos = System.nanoTime();
        } else if (finished.size() > probes.size()) {
            StageResult last = finished.getLast();
            double rate = ((LoadModel.Open) last.plan().load()).meanRate();
            Probe probe = new Probe(last.plan().name(), rate, failure(last));
            probes.add(probe);
            bisection.record(rate, probe.passed());
        }
        if (bisection.converged()) {
            stopReason = Double.isNaN(bisection.highestPass())
                    ? "no rate met the SLO, down to " + rate(bisection.lowestFail()) + "/s"
                    : "converged: " + rate(bisection.highestPass()) + "/s passed, " + rate(bisection.lowestFail())
                    + "/s failed";
            return null;
        }
        if (probes.size() >= maxStages) {
            stopReason = "stage limit (" + maxStages + ") reached";
            return null;
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startedNanos);
        if (!finished.isEmpty() && elapsed.plus(stage).compareTo(budget) > 0) {
            stopReason = "time limit (" + budget.toSeconds() + " s) reached";
            return null;
        }
        int n = probes.size();
        LoadModel.Open load = LoadModel.Open.steady(bisection.next(), spacing, seed + n, stage);
        return new StagePlan("s" + (n + 1), load, stage, stage.multipliedBy(15).dividedBy(100), stage.dividedBy(10));
    }

    @Override
    public int maxStages() {
        return maxStages;
    }

    @Override
    public boolean stopsSaturatedStages() {
        return true;
    }

    /** The answer; complete once {@link #next} has returned null. */
    public Outcome outcome() {
        return new Outcome(bisection.highestPass(), stopReason, precision, List.copyOf(probes));
    }

    /** Why a stage did not pass, or null when it did. */
    String failure(StageResult r) {
        if (r.stoppedEarly() != null) {
            return "stopped early: " + r.stoppedEarly();
        }
        StageStatistics s = r.stats();
        if (s.succeeded() == 0) {
            return "no measured request succeeded";
        }
        List<String> missed = slo.missed(s.metrics());
        if (!missed.isEmpty()) {
            return "SLO missed: " + String.join(", ", missed);
        }
        double failedPercent = 100.0 * (s.measured() - s.succeeded()) / s.measured();
        if (failedPercent > ERROR_BUDGET_PERCENT) {
            return String.format(Locale.ROOT, "%.1f %% of requests failed", failedPercent);
        }
        return null;
    }

    private static String rate(double r) {
        return String.format(Locale.ROOT, "%.3g", r);
    }
}
