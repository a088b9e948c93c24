package dev.gauntlet.load.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.gauntlet.load.stats.ErrorSummary;
import dev.gauntlet.load.stats.Slo;
import dev.gauntlet.load.stats.StageStatistics;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every way a reply can fail, served by a fake OpenAI server on a free loopback port: each request
 * must come back FAILED with its class and an example message, and be counted in the stage's errors,
 * never as a (short) success.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ErrorClassesTest {
    private static final String TOKEN = "data: {\"id\":\"cmpl-1\",\"choices\":[{\"index\":0,\"text\":\"a\"}]}\n\n";

    // Releases a handler that stalls on purpose, so that the server stops promptly.
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer server;

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void serverErrorIsAnHttpStatusFailure() throws Exception {
        RequestRecord r = sendTo(status(500, "{\"error\":{\"message\":\"boom\"}}"), Duration.ofSeconds(10));
        assertFailed(r, ErrorClass.HTTP_STATUS, "HTTP 500");
        assertTrue(r.errorMessage().contains("boom"), r.errorMessage());
        assertEquals(500, r.status());
    }

    @Test
    void rateLimitIsAnHttpStatusFailure() throws Exception {
        RequestRecord r = sendTo(status(429, "{\"error\":{\"message\":\"slow down\"}}"), Duration.ofSeconds(10));
        assertFailed(r, ErrorClass.HTTP_STATUS, "HTTP 429");
    }

    @Test
    void errorEventInsideTheStreamFailsTheRequest() throws Exception {
        RequestRecord r = sendTo(stream(TOKEN + "data: {\"error\":{\"message\":\"engine fault\"}}\n\n" + "data: [DONE]\n\n"),
                Duration.ofSeconds(10));
        assertFailed(r, ErrorClass.ERROR_EVENT, "engine fault");
    }

    @Test
    void streamCutBeforeDoneIsBrokenNotShort() throws Exception {
        RequestRecord r = sendTo(stream(TOKEN + TOKEN), Duration.ofSeconds(10));
        assertFailed(r, ErrorClass.BROKEN_STREAM, "before [DONE]");
        assertEquals(2, r.chunkNanos().length, "the chunks that did arrive are kept");
    }

    @Test
    void emptyOkReplyIsAnEmptyReply() throws Exception {
        RequestRecord r = sendTo(exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        }, Duration.ofSeconds(10));
        assertFailed(r, ErrorClass.EMPTY_REPLY, "empty body");
    }

    @Test
    void doneWithoutOutputIsAnEmptyReply() throws Exception {
        RequestRecord r = sendTo(stream("data: [DONE]\n\n"), Duration.ofSeconds(10));
        assertFailed(r, ErrorClass.EMPTY_REPLY, "without any generated output");
    }

    @Test
    void stallPastTheTimeoutIsATimeout() throws Exception {
        RequestRecord r = sendTo(exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            // Then nothing: the reply never completes within the client's timeout.
            exchange.sendResponseHeaders(200, 0);
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        }, Duration.ofMillis(300));
        assertFailed(r, ErrorClass.TIMEOUT, "within the timeout");
    }

    /** Sends one request to a fake server answering with {@code handler}. */
    private RequestRecord sendTo(HttpHandler handler, Duration timeout) throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(ApiKind.COMPLETIONS.path(), exchange -> {
            exchange.getRequestBody().readAllBytes();
            handler.handle(exchange);
        });
        server.start();
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        try (OpenAiStreamClient client = new OpenAiStreamClient(base, ApiKind.COMPLETIONS, "m", null, timeout)) {
            return client.send(0, new GenerationRequest("hi", null, 4, false), System.nanoTime())
                    .get(20, TimeUnit.SECONDS);
        }
    }

    private static HttpHandler status(int code, String body) {
        return exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(code, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        };
    }

    /** A 200 event stream with exactly {@code events}, then the end of the body. */
    private static HttpHandler stream(String events) {
        return exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(events.getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    /** Failed with {@code kind} and a message containing {@code example}; in stage statistics, an error and no success. */
    private static void assertFailed(RequestRecord r, ErrorClass kind, String example) {
        assertFalse(r.ok(), "a failure must not pass as a success");
        assertEquals(kind, r.error(), r.errorMessage());
        assertTrue(r.errorMessage().contains(example), r.errorMessage());
        StageStatistics stats = StageStatistics.of(List.of(r), x -> true, 1.0, Slo.NONE);
        assertEquals(1, stats.measured());
        assertEquals(0, stats.succeeded());
        ErrorSummary errors = stats.errors().get(kind);
        assertEquals(1, errors.count());
        assertEquals(List.of(r.errorMessage()), errors.examples());
        assertNull(stats.errors().get(ErrorClass.CONNECTION));
    }
}
