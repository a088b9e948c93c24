package dev.gauntlet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real thing: the server as a child process, {@link Process#destroy()} (SIGTERM) while a
 * stream runs; the stream completes, late requests get 503 {@code draining}, the process exits.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SigtermDrainTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    @Test
    void sigtermDrainsThenExits() throws Exception {
        Path portFile = dir.resolve("port");
        Path log = dir.resolve("server.log");
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx512m", "-cp", System.getProperty("java.class.path"), ServerMain.class.getName(),
                "--model", ServerTestSupport.modelFile().toString(), "--port", "0", "--port-file", portFile.toString(),
                "--admin-key", "adm", "--drain-timeout", "30s")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            String base = "http://127.0.0.1:" + awaitPort(portFile, server, log);
            awaitStatus(base + "/ready", 200, 60, server, log);
            HttpResponse<String> slow = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/assaults"))
                    .header("Authorization", "Bearer adm").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"step_delay_ms\":40}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, slow.statusCode(), slow.body());
            String model = JSON.readTree(get(base + "/v1/models").body()).get("data").get(0).get("id").asString();
            String body = "{\"model\":\"" + model + "\",\"prompt\":\"a\",\"max_tokens\":50,\"ignore_eos\":true,"
                    + "\"temperature\":0,\"stream\":true}";
            CompletableFuture<HttpResponse<String>> stream = http.sendAsync(HttpRequest.newBuilder(
                    URI.create(base + "/v1/completions")).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (JSON.readTree(get(base + "/ready").body()).get("running").asInt() < 1) {
                assertTrue(System.nanoTime() < deadline, "the stream never started");
                Thread.sleep(10);
            }

            server.destroy(); // SIGTERM
            awaitStatus(base + "/ready", 503, 10, server, log);
            HttpResponse<String> late = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, late.statusCode(), late.body());
            assertEquals("draining", JSON.readTree(late.body()).get("error").get("code").asString());

            HttpResponse<String> done = stream.get(30, TimeUnit.SECONDS);
            List<JsonNode> chunks = ServerTestSupport.chunks(done.body());
            assertEquals("length", chunks.getLast().get("choices").get(0).get("finish_reason").asString());
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the server did not exit:\n" + Files.readString(log));
            String out = Files.readString(log);
            assertTrue(out.contains("drained"), out);
        } finally {
            server.destroyForcibly();
        }
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The port the server reports once it listens (it bound port 0, so no other process can hold it). */
    private static int awaitPort(Path portFile, Process server, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(portFile) || Files.readString(portFile).isBlank()) {
            assertTrue(server.isAlive() && System.nanoTime() < deadline, "no port reported:\n" + Files.readString(log));
            Thread.sleep(50);
        }
        return Integer.parseInt(Files.readString(portFile).strip());
    }

    private void awaitStatus(String url, int status, int seconds, Process server, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            try {
                if (get(url).statusCode() == status) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            assertTrue(server.isAlive() && System.nanoTime() < deadline,
                    url + " never answered " + status + ":\n" + Files.readString(log));
            Thread.sleep(50);
        }
    }
}
