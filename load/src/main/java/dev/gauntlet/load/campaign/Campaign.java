package dev.gauntlet.load.campaign;

import dev.gauntlet.engine.synth.ModelShape;
import dev.gauntlet.load.client.OpenAiStreamClient;
import dev.gauntlet.load.results.CampaignResults;
import dev.gauntlet.load.results.ResultsWriter;
import dev.gauntlet.load.simulation.CampaignClock;
import dev.gauntlet.load.simulation.GatlingRunner;
import dev.gauntlet.load.simulation.StagePlan;
import dev.gauntlet.load.simulation.StageRun;
import dev.gauntlet.load.stats.Metric;
import dev.gauntlet.load.stats.StageStatistics;
import dev.gauntlet.load.target.EmbeddedEngine;
import dev.gauntlet.load.target.TargetInfo;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/** Runs a campaign: the target up (when embedded), every stage through Gatling, the results written. */
public final class Campaign {
    /** Above this lag at p99 the injector did not send on time, whatever the target did. */
    private static final double LAG_WARNING_MS = 10;
    /** Above this share of the machine's processors the injector competes with the target for CPU. */
    private static final double CPU_WARNING_SHARE = 0.5;

    private final CampaignConfig config;
    private final PrintStream progress;

    public Campaign(CampaignConfig config, PrintStream progress) {
        this.config = config;
        this.progress = progress;
    }

    /** Runs every stage and writes the run folder; returns what was written. */
    public CampaignResults run() throws IOException, InterruptedException {
        Instant started = Instant.now();
        if (!config.embedded()) {
            return runAgainst(config.target(), started);
        }
        progress.println("starting the embedded reference engine (synthetic tiny model)...");
        try (EmbeddedEngine engine = EmbeddedEngine.start(EmbeddedEngine.locateServerJar(), ModelShape.TINY, 1,
                config.engineCpus(), config.out().resolve("engine"))) {
            progress.println("engine ready at " + engine.baseUrl());
            return runAgainst(engine.baseUrl(), started);
        }
    }

    private CampaignResults runAgainst(URI baseUrl, Instant started) throws IOException {
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
            int n = 0;
            for (StagePlan plan : config.stages()) {
                n++;
                StageRun run = new StageRun(plan, client, config.workload(), sequences, clock, config.requestTimeout());
                long cpuBefore = processCpuNanos();
                long wallBefore = System.nanoTime();
                var report = GatlingRunner.run(run, config.out().resolve("gatling").resolve(plan.name()));
                double cores = (processCpuNanos() - cpuBefore) / (double) (System.nanoTime() - wallBefore);
                StageStatistics stats = StageStatistics.of(run.records(), run::measured,
                        plan.measured().toNanos() / 1e9, config.slo());
                StageResult result = new StageResult(plan, run.originNanos(), run.records(), stats, cores, report,
                        warning(stats, cores));
                results.add(result);
                progress.println(progressLine(n, result));
                if (result.warning() != null) {
                    progress.println("  warning: " + result.warning());
                }
            }
        }
        CampaignResults campaign = new CampaignResults(config, baseUrl, model, info, started, Instant.now(), clock, results);
        ResultsWriter.write(campaign);
        return campaign;
    }

    private String progressLine(int n, StageResult r) {
        StageStatistics s = r.stats();
        return String.format(Locale.ROOT,
                "stage %d/%d %-8s %-14s sent %4d ok %4d failed %3d | %6.2f req/s %8.1f out tok/s | TTFT p50 %7.1f ms p99 %7.1f ms | injector %.2f cores",
                n, config.stages().size(), r.plan().name(), r.plan().load().label(), s.requests(), s.succeeded(),
                s.measured() - s.succeeded(), s.requestsPerSecond(), s.outputTokensPerSecond(),
                s.metrics().get(Metric.TTFT).p50(), s.metrics().get(Metric.TTFT).p99(), r.injectorCores());
    }

    /** Why the injector may have been the bottleneck, or null. */
    private static String warning(StageStatistics stats, double cores) {
        double lag = stats.metrics().get(Metric.INJECTOR_LAG).p99();
        int cpus = Runtime.getRuntime().availableProcessors();
        List<String> reasons = new ArrayList<>();
        if (lag > LAG_WARNING_MS) {
            reasons.add(String.format(Locale.ROOT, "injector lag p99 %.1f ms > %.0f ms", lag, LAG_WARNING_MS));
        }
        if (cores > CPU_WARNING_SHARE * cpus) {
            reasons.add(String.format(Locale.ROOT, "injector used %.2f of %d cores", cores, cpus));
        }
        return reasons.isEmpty() ? null
                : "the injector, not the target, may limit this stage: " + String.join("; ", reasons);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
