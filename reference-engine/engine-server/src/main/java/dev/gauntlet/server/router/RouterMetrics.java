package dev.gauntlet.server.router;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * The router's Prometheus metrics (names are a contract with dashboards: do not rename). Breaker
 * states and requests in flight are read from the upstreams at scrape time, so they cannot drift.
 */
public final class RouterMetrics {
    /** Exposition content type of {@link #write}. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    // Its own registry, not the global default, so that several routers can live in one JVM (tests).
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter requests;
    private final Counter errors;
    private final Counter retries;
    private final Counter fallbacks;

    /** @param upstreams every upstream, the fallback included */
    public RouterMetrics(List<Upstream> upstreams) {
        requests = Counter.builder().name("llm_router_upstream_requests_total")
                .help("Replies received from upstreams, by HTTP status.")
                .labelNames("upstream", "status").register(registry);
        errors = Counter.builder().name("llm_router_upstream_errors_total")
                .help("Upstream failures by kind: connect, timeout, status (5xx), broken (reply cut off).")
                .labelNames("upstream", "kind").register(registry);
        retries = Counter.builder().name("llm_router_retries_total")
                .help("Requests sent again to another upstream after a failure before the first reply byte.")
                .register(registry);
        fallbacks = Counter.builder().name("llm_router_fallback_total")
                .help("Requests sent to the fallback route.").register(registry);
        GaugeWithCallback.builder().name("llm_router_breaker_state")
                .help("Circuit breaker state per upstream: 0 closed, 1 half-open, 2 open.")
                .labelNames("upstream")
                .callback(cb -> upstreams.forEach(u -> cb.call(u.breaker().state().gauge(), u.label())))
                .register(registry);
        GaugeWithCallback.builder().name("llm_router_upstream_outstanding")
                .help("Requests in flight per upstream.").labelNames("upstream")
                .callback(cb -> upstreams.forEach(u -> cb.call(u.outstanding(), u.label())))
                .register(registry);
    }

    void upstreamRequest(Upstream upstream, int status) {
        requests.labelValues(upstream.label(), String.valueOf(status)).inc();
    }

    void upstreamError(Upstream upstream, UpstreamFailure.Kind kind) {
        errors.labelValues(upstream.label(), kind.label()).inc();
    }

    void retry() {
        retries.inc();
    }

    void fallback() {
        fallbacks.inc();
    }

    /** Writes every metric in the Prometheus text format. */
    public void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape(), EscapingScheme.ALLOW_UTF8);
    }
}
