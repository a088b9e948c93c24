package dev.gauntlet.server.metrics;

import dev.gauntlet.engine.scheduler.EngineStats;
import dev.gauntlet.engine.scheduler.FinishEvent;
import dev.gauntlet.engine.scheduler.RejectionReason;
import dev.gauntlet.engine.scheduler.RequestTimings;
import dev.gauntlet.server.admission.AdmissionControl;
import dev.gauntlet.server.admission.RateLimiter;
import dev.gauntlet.server.model.ModelService;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import java.util.Map;

/**
 * The server's Prometheus metrics. The names are a contract with dashboards: do not rename. Every
 * series carries a {@code model} label. Engine state (queue, KV cache, preemptions, rejections) is
 * read from {@link EngineStats} at scrape time, so it cannot drift from the engine; per-request
 * figures are recorded from each request's final event.
 */
public final class ServerMetrics {
    /** Exposition content type of {@link #write}. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private static final double[] LATENCY_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
        5, 10, 20, 40, 80};
    private static final double[] TOKEN_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192,
        16384, 32768, 65536, 131072};
    private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256};

    // Each server owns its registry (not the global default), so that several can live in one JVM (tests).
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Histogram timeToFirstToken;
    private final Histogram interTokenLatency;
    private final Histogram e2eLatency;
    private final Histogram queueTime;
    private final Histogram promptTokens;
    private final Histogram generationTokens;
    private final Histogram batchSize;
    private final Counter promptTokensTotal;
    private final Counter generationTokensTotal;
    private final Counter requests;

    public ServerMetrics(ModelService model, AdmissionControl admission, RateLimiter rateLimiter) {
        Labels modelLabel = Labels.of("model", model.name());
        timeToFirstToken = histogram("llm_time_to_first_token_seconds", "Arrival to first generated token.",
                LATENCY_BUCKETS, modelLabel);
        interTokenLatency = histogram("llm_inter_token_latency_seconds", "Time between consecutive generated tokens.",
                LATENCY_BUCKETS, modelLabel);
        e2eLatency = histogram("llm_e2e_request_latency_seconds", "Arrival to the request's final event.",
                LATENCY_BUCKETS, modelLabel);
        queueTime = histogram("llm_request_queue_seconds", "Arrival to admission into the running batch.",
                LATENCY_BUCKETS, modelLabel);
        promptTokens = histogram("llm_request_prompt_tokens", "Prompt tokens per request.", TOKEN_BUCKETS, modelLabel);
        generationTokens = histogram("llm_request_generation_tokens", "Generated tokens per request.", TOKEN_BUCKETS,
                modelLabel);
        batchSize = histogram("llm_batch_size", "Sequences per engine step.", BATCH_BUCKETS, modelLabel);
        promptTokensTotal = Counter.builder().name("llm_prompt_tokens_total").help("Prompt tokens of finished requests.")
                .constLabels(modelLabel).register(registry);
        generationTokensTotal = Counter.builder().name("llm_generation_tokens_total")
                .help("Generated tokens of finished requests.").constLabels(modelLabel).register(registry);
        requests = Counter.builder().name("llm_requests_total")
                .help("Generation requests by HTTP status and finish reason (none when the request never ran).")
                .labelNames("status", "finish_reason").constLabels(modelLabel).register(registry);

        CounterWithCallback.builder().name("llm_requests_rejected_total")
                .help("Requests refused: engine rejections by reason, queue_full and rate_limited for HTTP 429.")
                .labelNames("reason").constLabels(modelLabel)
                .callback(cb -> {
                    for (Map.Entry<RejectionReason, Long> e : model.engine().stats().rejections().entrySet()) {
                        cb.call(e.getValue(), e.getKey().name().toLowerCase(Locale.ROOT));
                    }
                    cb.call(admission.rejected(), "queue_full");
                    cb.call(rateLimiter.rejected(), "rate_limited");
                }).register(registry);
        CounterWithCallback.builder().name("llm_preemptions_total").help("Sequences preempted to free KV blocks.")
                .constLabels(modelLabel)
                .callback(cb -> cb.call(model.engine().stats().preemptions())).register(registry);
        GaugeWithCallback.builder().name("llm_requests_running").help("Sequences in the running batch.")
                .constLabels(modelLabel)
                .callback(cb -> cb.call(model.engine().stats().running())).register(registry);
        GaugeWithCallback.builder().name("llm_requests_waiting").help("Sequences waiting for a batch slot.")
                .constLabels(modelLabel)
                .callback(cb -> cb.call(model.engine().stats().waiting())).register(registry);
        GaugeWithCallback.builder().name("llm_kv_cache_usage_ratio").help("Share of KV blocks in use (0..1).")
                .constLabels(modelLabel)
                .callback(cb -> cb.call(model.engine().stats().kvUsage())).register(registry);
        GaugeWithCallback.builder().name("llm_kv_cache_blocks")
                .help("KV blocks by state: used (including held_back) and free; held_back are withheld by fault injection.")
                .labelNames("state").constLabels(modelLabel)
                .callback(cb -> {
                    EngineStats s = model.engine().stats();
                    cb.call(s.usedKvBlocks(), "used");
                    cb.call(s.totalKvBlocks() - s.usedKvBlocks(), "free");
                    cb.call(s.heldBackKvBlocks(), "held_back");
                }).register(registry);
        String device = model.backend();
        GaugeWithCallback.builder().name("llm_device_memory_bytes")
                .help("Memory by device and use: the KV cache (total, used including held_back, held_back by fault"
                        + " injection) and the weights.")
                .labelNames("device", "kind").constLabels(modelLabel)
                .callback(cb -> {
                    EngineStats s = model.engine().stats();
                    long block = model.kvBlockBytes();
                    cb.call((double) s.totalKvBlocks() * block, device, "kv_cache_total");
                    cb.call((double) s.usedKvBlocks() * block, device, "kv_cache_used");
                    cb.call((double) s.heldBackKvBlocks() * block, device, "kv_cache_held_back");
                    cb.call(model.weightBytes(), device, "weights");
                }).register(registry);
        Gauge info = Gauge.builder().name("llm_engine_info").help("The served model and engine; always 1.")
                .labelNames("quant", "backend", "tp").constLabels(modelLabel).register(registry);
        info.labelValues(model.quant(), device, "1").set(1);

        model.engine().addStepListener(step -> batchSize.observe(step.batchSize()));
    }

    private Histogram histogram(String name, String help, double[] buckets, Labels modelLabel) {
        return Histogram.builder().name(name).help(help).classicOnly().classicUpperBounds(buckets)
                .constLabels(modelLabel).register(registry);
    }

    /** Records the gap between two consecutive tokens of a request. */
    public void interToken(long nanos) {
        interTokenLatency.observe(nanos / 1e9);
    }

    /** Records a finished request's tokens and latencies (from the engine's final event). */
    public void finished(FinishEvent f) {
        RequestTimings t = f.timings();
        promptTokens.observe(f.usage().promptTokens());
        generationTokens.observe(f.usage().generatedTokens());
        promptTokensTotal.inc(f.usage().promptTokens());
        generationTokensTotal.inc(f.usage().generatedTokens());
        e2eLatency.observe(t.totalNanos() / 1e9);
        if (t.queueWaitNanos() >= 0) {
            queueTime.observe(t.queueWaitNanos() / 1e9);
        }
        if (t.timeToFirstTokenNanos() >= 0) {
            timeToFirstToken.observe(t.timeToFirstTokenNanos() / 1e9);
        }
    }

    /** Counts one answered generation request. */
    public void request(int httpStatus, String finishReason) {
        requests.labelValues(String.valueOf(httpStatus), finishReason).inc();
    }

    /** Writes every metric in the Prometheus text format. */
    public void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape(), io.prometheus.metrics.config.EscapingScheme.ALLOW_UTF8);
    }
}
