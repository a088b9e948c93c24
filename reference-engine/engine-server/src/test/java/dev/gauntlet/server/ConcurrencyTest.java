package dev.gauntlet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/** Many concurrent streams, metrics that add up, and disconnects that free the KV cache at once. */
@TinyServerTest
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ConcurrencyTest extends ServerTestSupport {
    // The bar: 64 concurrent streaming clients against the tiny model on 2 cores.
    private static final int CLIENTS = 64;

    private String streamed(int maxTokens, long seed) {
        return "{\"model\":\"" + modelName() + "\",\"prompt\":\"And God said, Let there be light\",\"max_tokens\":"
                + maxTokens + ",\"temperature\":0.8,\"seed\":" + seed + ",\"ignore_eos\":true,\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true}}";
    }

    private String series(String name) {
        return name + "{model=\"" + modelName() + "\"}";
    }

    @Test
    void concurrentStreamsSucceedAndTokenTotalsMatchUsage() throws Exception {
        String before = get("/metrics").body();
        List<Future<JsonNode>> usages = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < CLIENTS; i++) {
                String body = streamed(8 + i, i);
                usages.add(clients.submit(() -> {
                    HttpResponse<String> r = post("/v1/completions", body);
                    assertEquals(200, r.statusCode(), r.body());
                    List<JsonNode> chunks = chunks(r.body());
                    JsonNode last = chunks.getLast();
                    assertTrue(last.get("choices").isEmpty(), "the last chunk carries the usage");
                    assertFalse(r.body().contains("\"error\""), r.body());
                    return last.get("usage");
                }));
            }
        }
        long prompt = 0;
        long generated = 0;
        for (Future<JsonNode> f : usages) {
            JsonNode usage = f.get();
            prompt += usage.get("prompt_tokens").asLong();
            generated += usage.get("completion_tokens").asLong();
        }
        String after = get("/metrics").body();
        assertEquals(generated, metric(after, series("llm_generation_tokens_total"))
                - metric(before, series("llm_generation_tokens_total")));
        assertEquals(prompt, metric(after, series("llm_prompt_tokens_total"))
                - metric(before, series("llm_prompt_tokens_total")));
        // The request counter is updated once the reply is complete, just after the client has it all.
        String lengthRequests = "llm_requests_total{finish_reason=\"length\",model=\"" + modelName() + "\",status=\"200\"}";
        double expected = metric(before, lengthRequests) + CLIENTS;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (metric(get("/metrics").body(), lengthRequests) < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(expected, metric(get("/metrics").body(), lengthRequests));
        assertEquals(0, model.engine().stats().usedKvBlocks());
    }

    @Test
    void clientDisconnectCancelsAndFreesKvBlocks() throws Exception {
        // Slow steps: the request would need 400 × 25 ms = 10 s; only a cancellation frees its blocks sooner.
        model.engine().faults().slowSteps(25);
        String cancelled = "llm_requests_total{finish_reason=\"cancelled\",model=\"" + modelName() + "\",status=\"200\"}";
        double cancelledBefore = metric(get("/metrics").body(), cancelled);
        try {
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(uri("/v1/chat/completions")).timeout(TIMEOUT)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + modelName() + "\",\"messages\":"
                            + "[{\"role\":\"user\",\"content\":\"hello\"}],\"max_tokens\":400,\"ignore_eos\":true,"
                            + "\"temperature\":0,\"stream\":true}")).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, r.statusCode());
            try (var reader = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                int events = 0;
                while (events < 3) {
                    if (reader.readLine().startsWith("data: ")) {
                        events++;
                    }
                }
                assertTrue(model.engine().stats().usedKvBlocks() > 0, "the stream holds KV blocks while it runs");
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (model.engine().stats().usedKvBlocks() > 0 || metric(get("/metrics").body(), cancelled) == cancelledBefore) {
                assertTrue(System.nanoTime() < deadline, "KV blocks still used after the client left: "
                        + model.engine().stats());
                Thread.sleep(20);
            }
            assertEquals(cancelledBefore + 1, metric(get("/metrics").body(), cancelled));
        } finally {
            model.engine().faults().reset();
        }
    }
}
