package dev.gauntlet.server.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.server.errors.ApiException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/** Retries happen only before the client got a byte; a stream cut after that ends with an error event. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ForwarderTest {
    private static final String SSE = "text/event-stream";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<FakeUpstream> fakes = new ArrayList<>();
    private RouterMetrics metrics;

    @AfterEach
    void stop() throws IOException {
        for (FakeUpstream f : fakes) {
            f.close();
        }
        http.close();
    }

    private FakeUpstream fake(String reply) throws IOException {
        FakeUpstream f = new FakeUpstream(reply);
        fakes.add(f);
        return f;
    }

    /** A forwarder over {@code uris}, tried in this order (a fresh balancer starts at the first). */
    private Forwarder forwarder(List<URI> uris) {
        return forwarder(uris, null, 0);
    }

    /**
     * A forwarder over {@code uris} and an optional fallback route, each replica's TTFT window
     * already holding {@code ttftSamples} samples of 3 s each.
     */
    private Forwarder forwarder(List<URI> uris, URI fallbackUri, int ttftSamples) {
        List<Upstream> upstreams = new ArrayList<>();
        for (URI uri : uris) {
            TtftWindow window = new TtftWindow(60_000_000_000L, System::nanoTime);
            for (int i = 0; i < ttftSamples; i++) {
                window.record(3_000_000_000L);
            }
            Upstream u = new Upstream(uri, new CircuitBreaker(3, Long.MAX_VALUE, System::nanoTime), window, true);
            u.markHealthy(true);
            upstreams.add(u);
        }
        Upstream fallback = fallbackUri == null ? null : new Upstream(fallbackUri,
                new CircuitBreaker(3, Long.MAX_VALUE, System::nanoTime), new TtftWindow(1_000_000_000L, System::nanoTime), false);
        RouterSettings settings = new RouterSettings(uris, fallbackUri, Duration.ofSeconds(2), Duration.ofSeconds(30),
                Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(1), 3,
                Duration.ofSeconds(5), 3, 1 << 20, 1);
        List<Upstream> all = new ArrayList<>(upstreams);
        if (fallback != null) {
            all.add(fallback);
        }
        metrics = new RouterMetrics(all);
        return new Forwarder(new Balancer(upstreams), fallback, http, settings, metrics, JsonMapper.builder().build());
    }

    private static Forwarder.Call call() {
        return new Forwarder.Call("POST", "/v1/completions", "{}".getBytes(StandardCharsets.UTF_8),
                "application/json", null, "req-1");
    }

    private String scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metrics.write(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static URI refusingUri() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + s.getLocalPort());
        }
    }

    @Test
    void aRefusedConnectionAndA5xxAreRetriedOnTheNextReplica() throws Exception {
        FakeUpstream failing = fake(FakeUpstream.chunked(500, "application/json", "{\"error\":{}}"));
        FakeUpstream good = fake(FakeUpstream.chunked(200, "application/json", "{\"ok\":true}"));
        MockHttpServletResponse response = new MockHttpServletResponse();
        forwarder(List.of(refusingUri(), failing.uri(), good.uri())).forward(call(), response);
        assertEquals(200, response.getStatus());
        assertEquals("{\"ok\":true}", response.getContentAsString());
        assertEquals(1, failing.requests());
        String scrape = scrape();
        assertTrue(scrape.contains("llm_router_retries_total 2.0"), scrape);
        assertTrue(scrape.contains("kind=\"connect\""), scrape);
        assertTrue(scrape.contains("kind=\"status\""), scrape);
    }

    @Test
    void aStreamCutAfterItsFirstBytesEndsWithAnErrorEventAndIsNotRetried() throws Exception {
        FakeUpstream cutting = fake(FakeUpstream.cut(SSE, "data: {\"n\":1}\n\n"));
        FakeUpstream good = fake(FakeUpstream.chunked(200, SSE, "data: {\"n\":1}\n\ndata: [DONE]\n\n"));
        MockHttpServletResponse response = new MockHttpServletResponse();
        forwarder(List.of(cutting.uri(), good.uri())).forward(call(), response);
        String body = response.getContentAsString();
        assertTrue(body.startsWith("data: {\"n\":1}\n\ndata: {\"error\":{"), body);
        assertTrue(body.endsWith("}}\n\n"), body);
        assertFalse(body.contains("[DONE]"), "a cut stream must not look complete: " + body);
        assertEquals(0, good.requests(), "bytes were out: no retry");
        String scrape = scrape();
        assertTrue(scrape.contains("llm_router_retries_total 0.0"), scrape);
        assertTrue(scrape.contains("kind=\"broken\""), scrape);
    }

    @Test
    void noReplicaLeftGives503WithRetryAfter() throws Exception {
        ApiException e = assertThrows(ApiException.class, () -> forwarder(List.of(refusingUri(), refusingUri()))
                .forward(call(), new MockHttpServletResponse()));
        assertEquals(503, e.status().value());
        assertEquals(1, e.retryAfterSeconds());
    }

    @Test
    void aStalledReplicaTimesOutInsteadOfHanging() throws Exception {
        // Accepts the connection (backlog) but never answers.
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Forwarder f = forwarder(List.of(URI.create("http://127.0.0.1:" + silent.getLocalPort())));
            long start = System.nanoTime();
            ApiException e = assertThrows(ApiException.class, () -> f.forward(call(), new MockHttpServletResponse()));
            assertEquals(504, e.status().value());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "bounded by the first-byte timeout");
        }
    }

    @Test
    void aReplicaWhoseRecentP99TtftIsOverTheThresholdSendsItsTrafficToTheFallback() throws Exception {
        FakeUpstream slow = fake(FakeUpstream.chunked(200, "application/json", "{\"from\":\"replica\"}"));
        FakeUpstream standby = fake(FakeUpstream.chunked(200, "application/json", "{\"from\":\"fallback\"}"));
        MockHttpServletResponse response = new MockHttpServletResponse();
        forwarder(List.of(slow.uri()), standby.uri(), TtftWindow.MIN_SAMPLES).forward(call(), response);
        assertEquals("{\"from\":\"fallback\"}", response.getContentAsString());
        assertEquals(0, slow.requests());
        assertTrue(scrape().contains("llm_router_fallback_total 1.0"), scrape());
    }

    @Test
    void tooFewSlowSamplesKeepTheReplica() throws Exception {
        FakeUpstream replica = fake(FakeUpstream.chunked(200, "application/json", "{\"from\":\"replica\"}"));
        FakeUpstream standby = fake(FakeUpstream.chunked(200, "application/json", "{\"from\":\"fallback\"}"));
        MockHttpServletResponse response = new MockHttpServletResponse();
        forwarder(List.of(replica.uri()), standby.uri(), TtftWindow.MIN_SAMPLES - 1).forward(call(), response);
        assertEquals("{\"from\":\"replica\"}", response.getContentAsString());
        assertEquals(0, standby.requests());
        assertTrue(scrape().contains("llm_router_fallback_total 0.0"), scrape());
    }
}
