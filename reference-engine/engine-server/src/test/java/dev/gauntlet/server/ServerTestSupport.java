package dev.gauntlet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.synth.ModelShape;
import dev.gauntlet.engine.synth.SyntheticModel;
import dev.gauntlet.server.model.ModelService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Shared by the HTTP tests: a tiny synthetic model (written once per JVM), a real HTTP client
 * against the server on its random loopback port, and a minimal SSE parser.
 */
public abstract class ServerTestSupport {
    private static final Path MODEL = writeModel();
    protected static final JsonMapper JSON = JsonMapper.builder().build();
    protected static final Duration TIMEOUT = Duration.ofSeconds(30);

    protected final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    protected int port;

    @Autowired
    protected ModelService model;

    @DynamicPropertySource
    static void modelProperty(DynamicPropertyRegistry registry) {
        registry.add("gauntlet.model", MODEL::toString);
    }

    /** The tiny model's file, for servers a test starts itself. */
    protected static Path modelFile() {
        return MODEL;
    }

    /** A request to {@code path} of this server, with {@code Authorization: Bearer key} unless {@code key} is null. */
    protected HttpRequest.Builder request(String path, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT);
        return key == null ? b : b.header("Authorization", "Bearer " + key);
    }

    /** Sends {@code request}, reading the body as a string. */
    protected HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A JSON body for {@code POST}. */
    protected static HttpRequest.BodyPublisher jsonBody(String json) {
        return HttpRequest.BodyPublishers.ofString(json);
    }

    /** A greedy completion request body of {@code maxTokens} tokens that ignores end-of-generation. */
    protected String completionBody(int maxTokens, boolean stream) {
        return "{\"model\":\"" + modelName() + "\",\"prompt\":\"a\",\"max_tokens\":" + maxTokens
                + ",\"ignore_eos\":true,\"temperature\":0,\"stream\":" + stream + "}";
    }

    private static Path writeModel() {
        try {
            Path dir = Files.createTempDirectory("gauntlet-server-test");
            dir.toFile().deleteOnExit();
            Path file = dir.resolve("tiny.gguf");
            SyntheticModel.write(ModelShape.TINY, GgmlType.F32, 7, file);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits (bounded) for the warm-up, so every test starts against a ready server. */
    @BeforeEach
    void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!model.isReady()) {
            if (System.nanoTime() > deadline) {
                fail("the server did not become ready: " + model.state());
            }
            Thread.sleep(20);
        }
    }

    protected URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    protected HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    protected HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return post(path, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    protected HttpResponse<String> post(String path, byte[] body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    protected static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    /** The served model's name, as requests must give it. */
    protected String modelName() {
        return model.name();
    }

    /**
     * Parses an SSE body into its data payloads, checking the framing: every event is exactly one
     * {@code data: } line followed by a blank line, and the last is {@code [DONE]}.
     */
    protected static List<String> sseData(String body) {
        assertTrue(body.endsWith("data: [DONE]\n\n"), "the stream must end with [DONE]: " + body);
        List<String> out = new ArrayList<>();
        for (String event : body.split("\n\n")) {
            assertTrue(event.startsWith("data: ") && !event.contains("\n"), "malformed SSE event: " + event);
            out.add(event.substring("data: ".length()));
        }
        assertEquals("[DONE]", out.removeLast());
        return out;
    }

    /** The parsed JSON chunks of a stream. */
    protected static List<JsonNode> chunks(String body) {
        return sseData(body).stream().map(JSON::readTree).toList();
    }

    /** A series' value in a Prometheus text scrape (0 when absent). */
    protected static double metric(String scrape, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
