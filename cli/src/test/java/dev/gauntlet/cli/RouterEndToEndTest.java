package dev.gauntlet.cli;

import dev.gauntlet.load.target.ServerProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.synth.ModelShape;
import dev.gauntlet.engine.synth.SyntheticModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three replica processes behind the router; one is killed (SIGKILL) while 60 concurrent requests
 * run. Requests that had not streamed yet complete on the others, cut streams end with an error
 * event, nothing hangs, and the router's metrics show the failures and retries.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RouterEndToEndTest {
    private static final int REQUESTS = 60;
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** How one request ended, as the client saw it. */
    enum Ending { COMPLETE, CUT_WITH_ERROR_EVENT }

    static ServerCluster.Spec spec(Path dir, Path model, int replicas) throws Exception {
        return new ServerCluster.Spec(ServeCommand.builtServerJar(), model, replicas, List.of(), 0,
                List.of("--health-interval", "500ms", "--upstream-first-byte-timeout", "30s",
                        "--upstream-idle-timeout", "10s"), dir, Duration.ofSeconds(150));
    }

    static Path tinyModel(Path dir) throws Exception {
        Path model = dir.resolve("tiny.gguf");
        SyntheticModel.write(ModelShape.TINY, GgmlType.F32, 7, model);
        return model;
    }

    @Test
    void killingAReplicaMidRunLosesNoRequestSilently() throws Exception {
        try (ServerCluster cluster = ServerCluster.start(spec(dir, tinyModel(dir), 3))) {
            URI router = cluster.url();
            String modelName = JSON.readTree(get(router.resolve("/v1/models")).body()).at("/data/0/id").asText();
            ServerProcess victim = cluster.children().get(2);
            List<Future<Ending>> endings = new ArrayList<>();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < REQUESTS; i++) {
                    boolean stream = i % 3 == 0;
                    // A few short ones finish early: their replies show that the replicas are generating.
                    int maxTokens = i % 6 == 1 ? 4 : 400;
                    String body = "{\"model\":\"" + modelName + "\",\"prompt\":\"Let there be light\",\"max_tokens\":" + maxTokens + ","
                            + "\"ignore_eos\":true,\"temperature\":0.8,\"seed\":" + i + ",\"stream\":" + stream + "}";
                    endings.add(clients.submit(() -> send(router, body, stream)));
                }
                awaitGenerating(router, victim.url(), 3);
                victim.process().destroyForcibly();
                int complete = 0;
                int cut = 0;
                for (int i = 0; i < REQUESTS; i++) {
                    // Bounded: a hung request fails the test here instead of stalling it.
                    Ending e = endings.get(i).get(CLIENT_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
                    if (e == Ending.COMPLETE) {
                        complete++;
                    } else {
                        assertEquals(0, i % 3, "only streams may end cut, request " + i);
                        cut++;
                    }
                }
                assertEquals(REQUESTS, complete + cut);
                assertTrue(cut >= 1, "the victim's started streams are cut");
                String scrape = get(router.resolve("/metrics")).body();
                String victimLabel = "upstream=\"" + victim.url() + "\"";
                double victimErrors = sum(scrape, "llm_router_upstream_errors_total", victimLabel);
                assertTrue(victimErrors >= 1, "the killed replica's failures are counted:\n" + scrape);
                assertTrue(value(scrape, "llm_router_retries_total") >= 1,
                        "requests in flight on the killed replica before their first byte were retried:\n" + scrape);
                assertTrue(sum(scrape, "llm_router_upstream_errors_total", "kind=\"broken\"") >= cut, scrape);
                System.out.printf("router e2e: %d complete, %d streams cut with an error event, %.0f retries%n",
                        complete, cut, value(scrape, "llm_router_retries_total"));
            }
            // The survivors still serve.
            HttpResponse<String> after = post(router, "{\"model\":\"" + modelName + "\",\"prompt\":\"x\",\"max_tokens\":3}");
            assertEquals(200, after.statusCode(), after.body());
        }
    }

    private Ending send(URI router, String body, boolean stream) throws Exception {
        HttpResponse<String> r = post(router, body);
        assertEquals(200, r.statusCode(), r.body());
        String text = r.body();
        if (!stream) {
            assertTrue(JSON.readTree(text).at("/choices/0/text").isTextual(), text);
            return Ending.COMPLETE;
        }
        if (text.endsWith("data: [DONE]\n\n")) {
            assertFalse(text.contains("\"error\""), text);
            return Ending.COMPLETE;
        }
        String[] events = text.split("\n\n");
        String last = events[events.length - 1];
        assertTrue(last.startsWith("data: {\"error\":{"), "a stream that is not complete must end with an error event: "
                + last);
        return Ending.CUT_WITH_ERROR_EVENT;
    }

    private HttpResponse<String> post(URI router, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(router.resolve("/v1/completions")).timeout(CLIENT_TIMEOUT)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Waits (bounded) until {@code upstream} has answered a request (so its streams are under way) and
     * still has {@code min} in flight (so that some are cut and some retried).
     */
    private void awaitGenerating(URI router, URI upstream, int min) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String label = "upstream=\"" + upstream + "\"";
        while (true) {
            String scrape = get(router.resolve("/metrics")).body();
            if (sum(scrape, "llm_router_upstream_requests_total", label) >= 1
                    && sum(scrape, "llm_router_upstream_outstanding", label) >= min) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail("the replica never answered with " + min + " requests still in flight");
            }
            Thread.sleep(20);
        }
    }

    /** The sum of a metric's series whose labels contain {@code labelPart}. */
    static double sum(String scrape, String name, String labelPart) {
        Matcher m = Pattern.compile("^" + name + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        double total = 0;
        while (m.find()) {
            if (m.group(1).contains(labelPart)) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }

    /** An unlabelled series' value (0 when absent). */
    static double value(String scrape, String name) {
        Matcher m = Pattern.compile("^" + name + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
