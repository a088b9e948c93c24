package dev.gauntlet.load.results;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.load.campaign.CampaignConfig;
import dev.gauntlet.load.campaign.CapacitySearch;
import dev.gauntlet.load.campaign.StageResult;
import dev.gauntlet.load.client.RequestRecord;
import dev.gauntlet.load.simulation.LoadModel;
import dev.gauntlet.load.simulation.Spacing;
import dev.gauntlet.load.stats.ErrorSummary;
import dev.gauntlet.load.stats.Metric;
import dev.gauntlet.load.stats.RequestMetrics;
import dev.gauntlet.load.stats.StageStatistics;
import dev.gauntlet.load.stats.Summary;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.HistogramLogWriter;

/**
 * Writes a campaign's run folder: {@code results.json} (schema in docs/results-schema.md),
 * {@code requests.jsonl}, one HdrHistogram log per stage under {@code histograms/} and
 * {@code summary.txt}, the console table. Gatling's reports are already under {@code gatling/}.
 */
public final class ResultsWriter {
    /** Bumped on any incompatible change to results.json. */
    public static final int SCHEMA_VERSION = 2;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ResultsWriter() {
    }

    /** Writes every file of the run folder. */
    public static void write(CampaignResults results) throws IOException {
        Path dir = results.folder();
        Files.createDirectories(dir.resolve("histograms"));
        JSON.writeValue(dir.resolve("results.json").toFile(), resultsJson(results));
        writeRequests(results, dir.resolve("requests.jsonl"));
        for (StageResult stage : results.stages()) {
            writeHistograms(stage, results, dir.resolve("histograms").resolve(stage.plan().name() + ".hlog"));
        }
        Files.writeString(dir.resolve("summary.txt"), ConsoleTable.render(results));
    }

    static ObjectNode resultsJson(CampaignResults results) {
        CampaignConfig config = results.config();
        ObjectNode root = JSON.createObjectNode();
        root.put("schema_version", SCHEMA_VERSION);
        ObjectNode run = root.putObject("run");
        run.put("started_at", results.started().toString());
        run.put("ended_at", results.ended().toString());
        run.put("git_commit", gitCommit());
        ObjectNode host = run.putObject("host");
        host.put("name", hostName());
        host.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        host.put("cpus", Runtime.getRuntime().availableProcessors());
        host.put("java", Runtime.version().toString());
        ObjectNode target = run.putObject("target");
        target.put("url", results.baseUrl().toString());
        target.put("embedded", config.embedded());
        target.put("model", results.model());
        target.put("api", config.api().name().toLowerCase(java.util.Locale.ROOT));
        ObjectNode engine = target.putObject("engine");
        engine.set("models", results.target().models());
        engine.put("error", results.target().error());
        engine.set("metrics_info", results.target().metricsInfo() == null ? null : JSON.valueToTree(results.target().metricsInfo()));
        engine.put("metrics_error", results.target().metricsError());
        ObjectNode workload = run.putObject("workload");
        workload.put("description", config.workload().describe());
        ObjectNode load = run.putObject("load");
        load.put("profile", config.profile());
        load.put("slo", config.slo().toString());
        load.put("request_timeout_ms", config.requestTimeout().toMillis());
        load.put("requests_sent", results.requests());
        root.set("capacity", capacityJson(results));
        ArrayNode stages = root.putArray("stages");
        for (StageResult stage : results.stages()) {
            stages.add(stageJson(stage, results.folder()));
        }
        return root;
    }

    private static ObjectNode stageJson(StageResult stage, Path folder) {
        StageStatistics s = stage.stats();
        ObjectNode node = JSON.createObjectNode();
        node.put("name", stage.plan().name());
        ObjectNode load = node.putObject("load");
        switch (stage.plan().load()) {
            case LoadModel.Closed c -> {
                load.put("kind", "closed");
                load.put("concurrency", c.concurrency());
            }
            case LoadModel.Open o -> {
                load.put("kind", o.spacing().kind());
                load.put("rate", o.meanRate());
                if (o.spacing() instanceof Spacing.Gamma g) {
                    load.put("burstiness", g.burstiness());
                }
                if (!(o.spacing() instanceof Spacing.Even)) {
                    load.put("seed", o.seed());
                }
                ArrayNode segments = load.putArray("segments");
                for (LoadModel.Segment segment : o.segments()) {
                    segments.addObject().put("duration_s", seconds(segment.duration()))
                            .put("from_rate", segment.fromRate()).put("to_rate", segment.toRate());
                }
            }
        }
        node.put("duration_s", seconds(stage.plan().duration()));
        node.put("warmup_s", seconds(stage.plan().warmup()));
        node.put("cooldown_s", seconds(stage.plan().cooldown()));
        node.put("window_s", s.windowSeconds());
        node.put("stopped_early", stage.stoppedEarly());
        statistics(node, s);
        ObjectNode injector = node.putObject("injector");
        number(injector, "cpu_cores", stage.injectorCores());
        injector.put("warning", stage.warning());
        node.put("gatling_report", folder.relativize(stage.gatlingReport()).toString());
        ArrayNode phases = node.putArray("phases");
        for (StageResult.PhaseResult p : stage.phases()) {
            ObjectNode pj = phases.addObject();
            pj.put("name", p.phase().name());
            pj.put("start_s", seconds(p.phase().start()));
            pj.put("length_s", seconds(p.phase().length()));
            pj.put("window_s", p.stats().windowSeconds());
            if (stage.plan().load() instanceof LoadModel.Open o) {
                pj.put("offered_rate_per_s", o.expected(p.phase().start(), p.phase().end()) / seconds(p.phase().length()));
            } else {
                pj.putNull("offered_rate_per_s");
            }
            statistics(pj, p.stats());
        }
        return node;
    }

    /** The statistics a stage and each of its phases report alike. */
    private static void statistics(ObjectNode node, StageStatistics s) {
        ObjectNode requests = node.putObject("requests");
        requests.put("sent", s.requests());
        requests.put("measured", s.measured());
        requests.put("succeeded", s.succeeded());
        requests.put("failed", s.measured() - s.succeeded());
        ObjectNode throughput = node.putObject("throughput");
        number(throughput, "requests_per_s", s.requestsPerSecond());
        number(throughput, "output_tokens_per_s", s.outputTokensPerSecond());
        number(throughput, "total_tokens_per_s", s.totalTokensPerSecond());
        number(throughput, "goodput_requests_per_s", s.goodput());
        node.put("slo_met", s.sloMet());
        ObjectNode metrics = node.putObject("metrics");
        for (Metric m : Metric.values()) {
            Summary sum = s.metrics().get(m);
            ObjectNode mj = metrics.putObject(m.key());
            mj.put("unit", m == Metric.TOKENS_PER_CHUNK ? "tokens" : "ms");
            mj.put("count", sum.count());
            number(mj, "mean", sum.mean());
            number(mj, "p50", sum.p50());
            number(mj, "p90", sum.p90());
            number(mj, "p95", sum.p95());
            number(mj, "p99", sum.p99());
            number(mj, "p99_9", sum.p999());
            number(mj, "max", sum.max());
        }
        node.putObject("output_tokens").put("usage_client_disagreements", s.usageDisagreements());
        ObjectNode agreement = node.putObject("server_agreement");
        agreement.put("requests", s.agreement().requests());
        number(agreement, "ttft_offset_p50_ms", s.agreement().ttftOffsetP50Ms());
        number(agreement, "e2e_offset_p50_ms", s.agreement().e2eOffsetP50Ms());
        ObjectNode errors = node.putObject("errors");
        for (var e : s.errors().entrySet()) {
            ErrorSummary es = e.getValue();
            ObjectNode ej = errors.putObject(e.getKey().name().toLowerCase(java.util.Locale.ROOT));
            ej.put("count", es.count());
            es.examples().forEach(ej.putArray("examples")::add);
        }
    }

    /** The capacity search's answer, or null for other profiles. */
    private static ObjectNode capacityJson(CampaignResults results) {
        if (!(results.config().stages() instanceof CapacitySearch search)) {
            return null;
        }
        CapacitySearch.Outcome o = search.outcome();
        ObjectNode node = JSON.createObjectNode();
        number(node, "max_rate_per_s", o.maxRate());
        node.put("slo", results.config().slo().toString());
        node.put("precision", o.precision());
        node.put("stop_reason", o.stopReason());
        ArrayNode probes = node.putArray("probes");
        for (CapacitySearch.Probe p : o.probes()) {
            probes.addObject().put("stage", p.stage()).put("rate_per_s", p.rate()).put("passed", p.passed())
                    .put("failure", p.failure());
        }
        return node;
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private static void writeRequests(CampaignResults results, Path file) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (StageResult stage : results.stages()) {
                for (RequestRecord r : stage.records().stream().sorted(Comparator.comparingLong(RequestRecord::sequence)).toList()) {
                    out.write(JSON.writer().without(SerializationFeature.INDENT_OUTPUT)
                            .writeValueAsString(requestJson(stage, r, results)));
                    out.newLine();
                }
            }
        }
    }

    private static ObjectNode requestJson(StageResult stage, RequestRecord r, CampaignResults results) {
        ObjectNode node = JSON.createObjectNode();
        node.put("sequence", r.sequence());
        node.put("stage", stage.plan().name());
        node.put("measured", stage.plan().inWindow(stage.originNanos(), r.intendedNanos()));
        node.put("intended_epoch_ms", results.clock().epochMillis(r.intendedNanos()));
        node.put("ok", r.ok());
        node.put("error", r.error() == null ? null : r.error().name().toLowerCase(java.util.Locale.ROOT));
        node.put("error_message", r.errorMessage());
        node.put("status", r.status());
        node.put("server_request_id", r.serverRequestId());
        node.put("response_id", r.responseId());
        millis(node, "injector_lag_ms", RequestMetrics.of(Metric.INJECTOR_LAG, r));
        millis(node, "ttft_ms", RequestMetrics.of(Metric.TTFT, r));
        millis(node, "ttfo_ms", RequestMetrics.of(Metric.TTFO, r));
        millis(node, "tpot_ms", RequestMetrics.of(Metric.TPOT, r));
        millis(node, "e2e_ms", RequestMetrics.of(Metric.E2E, r));
        millis(node, "end_ms", r.endNanos() - r.intendedNanos());
        node.put("input_tokens", r.inputTokens());
        node.put("output_tokens_usage", r.usageOutputTokens());
        node.put("output_tokens_client", r.clientOutputTokens());
        ArrayNode chunks = node.putArray("chunk_ms");
        for (long t : r.chunkNanos()) {
            chunks.add(Math.round((t - r.intendedNanos()) / 1e3) / 1e3);
        }
        ArrayNode tokens = node.putArray("chunk_tokens");
        for (int t : r.chunkTokens()) {
            tokens.add(t);
        }
        if (r.serverTimings() != null) {
            ObjectNode st = node.putObject("server_timings");
            number(st, "queue_ms", r.serverTimings().queueMs());
            number(st, "ttft_ms", r.serverTimings().ttftMs());
            number(st, "e2e_ms", r.serverTimings().e2eMs());
            number(st, "engine_ttft_ms", r.serverTimings().engineTtftMs());
            number(st, "engine_e2e_ms", r.serverTimings().engineE2eMs());
        }
        return node;
    }

    /** One interval histogram per metric, tagged with the metric's key; values in nanoseconds (tokens for tokens_per_chunk). */
    private static void writeHistograms(StageResult stage, CampaignResults results, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); PrintStream print = new PrintStream(out, false, StandardCharsets.UTF_8)) {
            HistogramLogWriter log = new HistogramLogWriter(print);
            long start = results.clock().epochMillis(stage.originNanos());
            log.outputLogFormatVersion();
            log.outputComment("stage " + stage.plan().name() + " " + stage.plan().load().label()
                    + "; times in nanoseconds, tokens_per_chunk in tokens");
            log.outputStartTime(start);
            log.setBaseTime(start);
            log.outputLegend();
            for (var e : stage.stats().histograms().entrySet()) {
                var h = e.getValue().copy();
                h.setTag(e.getKey().key());
                h.setStartTimeStamp(start);
                h.setEndTimeStamp(start + TimeUnit.NANOSECONDS.toMillis(stage.plan().duration().toNanos()));
                log.outputIntervalHistogram(h);
            }
        }
    }

    private static void number(ObjectNode node, String field, double value) {
        if (Double.isFinite(value)) {
            node.put(field, value);
        } else {
            node.putNull(field);
        }
    }

    private static void millis(ObjectNode node, String field, long nanos) {
        if (nanos < 0) {
            node.putNull(field);
        } else {
            node.put(field, nanos / 1e6);
        }
    }

    private static String gitCommit() {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return git.waitFor() == 0 && out.matches("[0-9a-f]{40}") ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
