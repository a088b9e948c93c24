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
        List<Upstream> upstreams = new ArrayList<>();
        for (URI uri : uris) {
            Upstream u = new Upstream(uri, new CircuitBreaker(3, Long.MAX_VALUE, System::nanoTime),
                    new TtftWindow(1_000_000_000L, System::nanoTime), true);
            u.markHealthy(true);
            upstreams.add(u);
        }
        RouterSettings settings = new RouterSettings(uris, null, Duration.ofSeconds(2), Duration.ofSeconds(30),
                Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(1), 3,
                Duration.ofSeconds(5), 3, 1 << 20, 1);
        metrics = new RouterMetrics(upstreams);
        return new Forwarder(new Balancer(upstreams), null, http, settings, metrics, JsonMapper.builder().build());
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
}
