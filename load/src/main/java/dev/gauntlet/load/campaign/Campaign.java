package dev.gauntlet.load.campaign;

import dev.gauntlet.load.client.OpenAiStreamClient;
import dev.gauntlet.load.client.RequestRecord;
import dev.gauntlet.load.results.CampaignResults;
import dev.gauntlet.load.results.ResultsWriter;
import dev.gauntlet.load.simulation.CampaignClock;
import dev.gauntlet.load.simulation.GatlingRunner;
import dev.gauntlet.load.simulation.Phase;
import dev.gauntlet.load.simulation.StagePlan;
import dev.gauntlet.load.simulation.StageRun;
import dev.gauntlet.load.stats.Metric;
import dev.gauntlet.load.stats.StageStatistics;
import dev.gauntlet.load.target.EmbeddedEngine;
import dev.gauntlet.load.target.FakeTarget;
import dev.gauntlet.load.target.TargetInfo;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/** Runs a campaign: the target up (when embedded), every stage through Gatling, the results written. */
public final class Campaign {
    private final CampaignConfig config;
    private final PrintStream progress;

    public Campaign(CampaignConfig config, PrintStream progress) {
        this.config = config;
        this.progress = progress;
    }

    /** Runs every stage and writes the run folder; returns what was written. */
    public CampaignResults run() throws IOException, InterruptedException {
        Instant started = Instant.now();
        if (config.target().equals(CampaignConfig.FAKE)) {
            try (FakeTarget fake = FakeTarget.start(config.out().resolve("engine"))) {
                progress.println("fake target ready at " + fake.baseUrl());
                return runAgainst(fake.baseUrl(), started);
            }
        }
        if (!config.embedded()) {
            return runAgainst(URI.create(config.target()), started);
        }
        progress.println("starting the embedded reference engine (" + config.engine().modelFile()
                + (config.engine().quant() != null ? " as " + config.engine().quant() : "") + ")...");
        try (EmbeddedEngine engine = EmbeddedEngine.start(EmbeddedEngine.locateServerJar(), config.engine(),
                config.out().resolve("engine"))) {
            progress.println("engine ready at " + engine.baseUrl());
            return runAgainst(engine.baseUrl(), started);
        }
    }

    private CampaignResults runAgainst(URI baseUrl, Instant started) throws IOException, InterruptedException {
        TargetInfo info = TargetInfo.query(baseUrl, config.apiKey());
        String model = config.model() != null ? config.model() : info.firstModel();
        if (model == null) {
            throw new IOException("no --model given and the target lists none (" + info.error() + ")");
        }
        CampaignClock clock = CampaignClock.start();
        AtomicLong sequences = new AtomicLong();
        List<StageResult> results = new ArrayList<>();
        try (OpenAiStreamClient client = new OpenAiStreamClient(baseUrl, config.api(), model, config.apiKey(),
                config.requestTimeout())) {
            for (StagePlan plan; (plan = config.stages().next(results)) != null; ) {
                StageResult result = runStage(plan, client, sequences, clock);
                results.add(result);
                progress.println(progressLine(results.size(), result));
                for (StageResult.PhaseResult phase : result.phases()) {
                    progress.println(phaseLine(phase));
                }
                if (result.stoppedEarly() != null) {
                    progress.println("  stopped early: " + result.stoppedEarly());
                }
                if (result.warning() != null) {
                    progress.println("  warning: " + result.warning());
                }
            }
        }
        if (config.stages() instanceof CapacitySearch search) {
            progress.println(capacityLine(search.outcome()));
        }
        CampaignResults campaign = new CampaignResults(config, baseUrl, model, info, started, Instant.now(), clock, results);
        ResultsWriter.write(campaign);
        return campaign;
    }

    private StageResult runStage(StagePlan plan, OpenAiStreamClient client, AtomicLong sequences, CampaignClock clock)
            throws IOException, InterruptedException {
        StageRun run = new StageRun(plan, client, config.workload(), sequences, clock, config.requestTimeout());
        long cpuBefore = processCpuNanos();
        long wallBefore = System.nanoTime();
        Path report;
        try (StageWatch watch = config.stages().stopsSaturatedStages()
                ? new StageWatch(run, client, new SaturationMonitor(config.slo(), Math.max(0, run.planned()))) : null) {
            report = GatlingRunner.run(run, config.out().resolve("gatling").resolve(plan.name()));
        }
        if (run.stopReason() != null) {
            // Requests sent between the stop and Gatling's end: cancelled too, and every one recorded before counting.
            client.cancelAll("stage stopped early: " + run.stopReason());
            run.awaitRecords(Duration.ofSeconds(10));
        }
        double cores = (processCpuNanos() - cpuBefore) / (double) (System.nanoTime() - wallBefore);
        List<RequestRecord> records = run.records();
        StageStatistics stats = StageStatistics.of(records, run::measured, plan.measured().toNanos() / 1e9, config.slo());
        List<StageResult.PhaseResult> phases = new ArrayList<>();
        for (Phase phase : plan.phases()) {
            // Only the phase's own requests, so that a phase's "sent" counts what was sent in it.
            List<RequestRecord> inPhase = records.stream()
                    .filter(r -> plan.inPhase(phase, run.originNanos(), r.intendedNanos())).toList();
            phases.add(new StageResult.PhaseResult(phase, StageStatistics.of(inPhase, r -> true,
                    plan.window(phase).toNanos() / 1e9, config.slo())));
        }
        return new StageResult(plan, run.originNanos(), records, stats, phases, cores, report,
                InjectorCheck.warning(stats, cores, Runtime.getRuntime().availableProcessors()), run.stopReason());
    }

    private static String phaseLine(StageResult.PhaseResult p) {
        StageStatistics s = p.stats();
        return String.format(Locale.ROOT, "  phase %-8s sent %4d ok %4d failed %3d | %6.2f req/s | TTFT p50 %7.1f ms p99 %7.1f ms",
                p.phase().name(), s.requests(), s.succeeded(), s.measured() - s.succeeded(), s.requestsPerSecond(),
                s.metrics().get(Metric.TTFT).p50(), s.metrics().get(Metric.TTFT).p99());
    }

    /** The capacity search's answer, one line. */
    public static String capacityLine(CapacitySearch.Outcome o) {
        String answer = Double.isNaN(o.maxRate()) ? "no probed rate met the SLO"
                : String.format(Locale.ROOT, "max rate meeting the SLO %.3g req/s", o.maxRate());
        return "capacity: " + answer + " (" + o.probes().size() + " stages; " + o.stopReason() + ")";
    }

    private String progressLine(int n, StageResult r) {
        StageStatistics s = r.stats();
        return String.format(Locale.ROOT,
                "stage %d/%d %-8s %-14s sent %4d ok %4d failed %3d | %6.2f req/s %8.1f out tok/s | TTFT p50 %7.1f ms p99 %7.1f ms | injector %.2f cores",
                n, config.stages().maxStages(), r.plan().name(), r.plan().load().label(), s.requests(), s.succeeded(),
                s.measured() - s.succeeded(), s.requestsPerSecond(), s.outputTokensPerSecond(),
                s.metrics().get(Metric.TTFT).p50(), s.metrics().get(Metric.TTFT).p99(), r.injectorCores());
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
