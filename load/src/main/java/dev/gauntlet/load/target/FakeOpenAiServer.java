package dev.gauntlet.load.target;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A cheap OpenAI-compatible streaming server for measuring the injector, not an engine: it answers
 * {@code /v1/completions} and {@code /v1/chat/completions} with exactly {@code max_tokens} one-token
 * SSE chunks (then usage and {@code [DONE]}), after {@code firstToken} and {@code interToken} delays,
 * costing almost no CPU. With {@code slots} > 0 at most that many replies stream at once and the rest
 * queue, which gives it a known capacity: {@code slots / (firstToken + (max_tokens - 1) · interToken)}
 * requests per second. Its {@code /metrics} carries a vLLM-style {@code vllm:cache_config_info}.
 *
 * <p>{@code gauntlet campaign --target fake} runs it as a child JVM (so that its CPU is not counted as
 * the injector's); tests start it in-process.
 */
public final class FakeOpenAiServer implements AutoCloseable {
    /** The model it lists and answers as. */
    public static final String MODEL = "fake";

    /**
     * How it answers.
     *
     * @param firstToken delay before the first token (after a slot is free)
     * @param interToken delay between tokens
     * @param slots      replies streaming at once; 0 for no limit
     */
    public record Behaviour(Duration firstToken, Duration interToken, int slots) {
        public Behaviour {
            if (firstToken.isNegative() || interToken.isNegative() || slots < 0) {
                throw new IllegalArgumentException("fake server: delays must be ≥ 0 and slots ≥ 0");
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String METRICS = """
            # HELP vllm:cache_config_info Information of the LLMEngine CacheConfig
            # TYPE vllm:cache_config_info gauge
            vllm:cache_config_info{block_size="16",cache_dtype="auto",enable_prefix_caching="False",num_gpu_blocks="1024"} 1.0
            # HELP vllm:num_requests_running Number of requests in model execution batches.
            # TYPE vllm:num_requests_running gauge
            vllm:num_requests_running{model_name="fake"} 0.0
            """;

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Behaviour behaviour;
    private final Semaphore slots;
    private final AtomicLong ids = new AtomicLong();

    private FakeOpenAiServer(HttpServer server, Behaviour behaviour) {
        this.server = server;
        this.behaviour = behaviour;
        this.slots = behaviour.slots() > 0 ? new Semaphore(behaviour.slots(), true) : null;
    }

    /** Starts on {@code port} of the loopback interface (0: a free one). */
    public static FakeOpenAiServer start(int port, Behaviour behaviour) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        FakeOpenAiServer fake = new FakeOpenAiServer(http, behaviour);
        http.setExecutor(fake.executor);
        http.createContext("/v1/completions", e -> fake.generate(e, false));
        http.createContext("/v1/chat/completions", e -> fake.generate(e, true));
        http.createContext("/v1/models", e -> reply(e, 200, "application/json",
                "{\"object\":\"list\",\"data\":[{\"id\":\"" + MODEL + "\",\"object\":\"model\"}]}"));
        http.createContext("/metrics", e -> reply(e, 200, "text/plain; version=0.0.4", METRICS));
        http.createContext("/ready", e -> reply(e, 200, "text/plain", "ready"));
        http.start();
        return fake;
    }

    /** The base URL, {@code http://127.0.0.1:PORT}. */
    public URI baseUrl() {
        return URI.create("http://" + ServerProcess.HOST + ":" + server.getAddress().getPort());
    }

    private void generate(HttpExchange exchange, boolean chat) throws IOException {
        JsonNode request = JSON.readTree(exchange.getRequestBody());
        int tokens = Math.max(1, request.path("max_tokens").asInt(16));
        JsonNode prompt = request.get("prompt");
        int promptTokens = prompt != null && prompt.isArray() ? prompt.size() : 1;
        String id = (chat ? "chatcmpl-" : "cmpl-") + ids.incrementAndGet();
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("x-request-id", id);
        try {
            if (slots != null) {
                slots.acquire();
            }
            try (OutputStream out = exchange.getResponseBody()) {
                exchange.sendResponseHeaders(200, 0);
                sleep(behaviour.firstToken());
                for (int i = 0; i < tokens; i++) {
                    if (i > 0) {
                        sleep(behaviour.interToken());
                    }
                    String piece = chat ? "{\"delta\":{\"content\":\"x\"},\"index\":0}" : "{\"text\":\"x\",\"index\":0}";
                    event(out, "{\"id\":\"" + id + "\",\"choices\":[" + piece + "]}");
                }
                event(out, "{\"id\":\"" + id + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":" + promptTokens
                        + ",\"completion_tokens\":" + tokens + ",\"total_tokens\":" + (promptTokens + tokens) + "}}");
                event(out, "[DONE]");
            } finally {
                if (slots != null) {
                    slots.release();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.close();
        } catch (IOException clientWentAway) {
            // A cancelled request closes its connection: nothing to answer.
            exchange.close();
        }
    }

    /** One SSE event, flushed on its own so that each reaches the client as a separate chunk. */
    private static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void sleep(Duration d) throws InterruptedException {
        if (!d.isZero()) {
            Thread.sleep(d);
        }
    }

    private static void reply(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /**
     * Runs until killed: {@code --port N --port-file F --first-token-ms N --itl-ms N --slots N} (all
     * optional; the defaults are port 0, 0 ms, 0 ms, no slot limit). Prints its base URL as its first
     * line, and writes the port it bound to F when given (as {@link ServerProcess} reads it).
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        int port = 0;
        Path portFile = null;
        long firstToken = 0;
        long interToken = 0;
        int slots = 0;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(value);
                case "--port-file" -> portFile = Path.of(value);
                case "--first-token-ms" -> firstToken = Long.parseLong(value);
                case "--itl-ms" -> interToken = Long.parseLong(value);
                case "--slots" -> slots = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
        }
        FakeOpenAiServer fake = start(port, new Behaviour(Duration.ofMillis(firstToken), Duration.ofMillis(interToken), slots));
        System.out.println(fake.baseUrl());
        if (portFile != null) {
            Files.writeString(portFile, Integer.toString(fake.baseUrl().getPort()));
        }
        Thread.currentThread().join();
    }
}
