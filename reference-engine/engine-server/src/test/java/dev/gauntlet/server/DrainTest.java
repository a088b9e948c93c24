package dev.gauntlet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.server.generation.InFlightGenerations;
import dev.gauntlet.server.model.ModelService;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The drain on shutdown, through the path the SIGTERM hook takes ({@code context.close()}). Each
 * test starts and closes its own server (drain timeout 2 s), outside the test framework's
 * context cache, which must not hold a context that a test closes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DrainTest {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private ConfigurableApplicationContext context;
    private ModelService model;
    private InFlightGenerations inFlight;
    private int port;

    @BeforeEach
    void startServer() throws InterruptedException {
        context = new SpringApplicationBuilder(GauntletServerApplication.class).registerShutdownHook(false)
                .run("--server.port=0", "--gauntlet.model=" + ServerTestSupport.modelFile(),
                        "--gauntlet.drain.timeout=2s", "--gauntlet.retry-after-seconds=3");
        port = ((WebServerApplicationContext) context).getWebServer().getPort();
        model = context.getBean(ModelService.class);
        inFlight = context.getBean(InFlightGenerations.class);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!model.isReady()) {
            assertTrue(System.nanoTime() < deadline, "not ready: " + model.state());
            Thread.sleep(10);
        }
    }

    @AfterEach
    void closeServer() {
        context.close();
    }

    private String completionBody(int maxTokens, boolean stream) {
        return "{\"model\":\"" + model.name() + "\",\"prompt\":\"a\",\"max_tokens\":" + maxTokens
                + ",\"ignore_eos\":true,\"temperature\":0,\"stream\":" + stream + "}";
    }

    private HttpRequest completion(int maxTokens, boolean stream) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/completions"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(completionBody(maxTokens, stream))).build();
    }

    private CompletableFuture<HttpResponse<String>> startCompletion(int maxTokens, boolean stream) {
        return http.sendAsync(completion(maxTokens, stream), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) {
        return ServerTestSupport.JSON.readTree(r.body());
    }

    private void awaitInFlight(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (inFlight.count() < n) {
            assertTrue(System.nanoTime() < deadline, "only " + inFlight.count() + " generations started");
            Thread.sleep(5);
        }
    }

    private JsonNode awaitDraining() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            HttpResponse<String> ready = get("/ready");
            if (ready.statusCode() == 503) {
                return json(ready);
            }
            assertTrue(System.nanoTime() < deadline, "/ready never turned 503");
            Thread.sleep(5);
        }
    }

    @Test
    void runningStreamFinishesWhileReadinessAndNewRequestsAre503() throws Exception {
        model.engine().faults().slowSteps(25);
        CompletableFuture<HttpResponse<String>> stream = startCompletion(24, true);
        awaitInFlight(1);
        CompletableFuture<Void> closed = CompletableFuture.runAsync(context::close);

        assertEquals("draining", awaitDraining().get("status").asString());
        HttpResponse<String> late = http.send(completion(2, false), HttpResponse.BodyHandlers.ofString());
        assertEquals(503, late.statusCode(), late.body());
        assertEquals("draining", json(late).get("error").get("code").asString());
        assertEquals("3", late.headers().firstValue("retry-after").orElseThrow());

        HttpResponse<String> done = stream.get(20, TimeUnit.SECONDS);
        assertEquals(200, done.statusCode());
        List<JsonNode> chunks = ServerTestSupport.chunks(done.body());
        assertEquals("length", chunks.getLast().get("choices").get(0).get("finish_reason").asString(), done.body());
        closed.get(20, TimeUnit.SECONDS);
        assertEquals(0, inFlight.count());
    }

    @Test
    void theDeadlineCancelsLongRequestsWithAProperEndAndFreesTheirBlocks() throws Exception {
        model.engine().faults().slowSteps(50); // 400 tokens take 20 s, far past the 2 s deadline
        CompletableFuture<HttpResponse<String>> stream = startCompletion(400, true);
        CompletableFuture<HttpResponse<String>> whole = startCompletion(400, false);
        awaitInFlight(2);
        long start = System.nanoTime();
        CompletableFuture<Void> closed = CompletableFuture.runAsync(context::close);

        HttpResponse<String> streamed = stream.get(20, TimeUnit.SECONDS);
        HttpResponse<String> refused = whole.get(20, TimeUnit.SECONDS);
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        // Cut off at the deadline, by the drain (the request alone would take 20 s).
        assertTrue(tookMillis >= 1_900 && tookMillis < 15_000, "cut off after " + tookMillis + " ms");

        assertEquals(200, streamed.statusCode());
        JsonNode last = ServerTestSupport.chunks(streamed.body()).getLast();
        assertEquals("draining", last.get("error").get("code").asString(), streamed.body());
        assertTrue(last.get("error").get("message").asString().contains("drain timeout"), streamed.body());
        assertEquals(503, refused.statusCode(), refused.body());
        assertEquals("draining", json(refused).get("error").get("code").asString());

        closed.get(20, TimeUnit.SECONDS);
        assertEquals(ModelService.State.STOPPED, model.state());
        assertEquals(0, inFlight.count());
        assertEquals(0, model.engine().stats().usedKvBlocks(), "KV blocks still used: " + model.engine().stats());
    }
}
