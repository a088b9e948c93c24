package dev.gauntlet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;

/**
 * {@code /admin/assaults} changes how the engine behaves, and {@code llm_device_memory_bytes}
 * reports it. The cache holds 32 blocks of 16 positions (16 KiB each for the tiny model).
 */
@SpringBootTest(classes = GauntletServerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"gauntlet.access.admin-key=adm", "gauntlet.kv-cache-bytes=524288", "gauntlet.max-batch-size=4"})
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EngineAssaultsTest extends ServerTestSupport {
    private static final String KEY = "adm";
    private static final long BLOCK_BYTES = 2L * 2 * 16 * 64 * Float.BYTES; // K and V × layers × positions × kvDim

    private HttpResponse<String> assaults(String method, String body) throws Exception {
        return send(request("/admin/assaults", KEY).header("Content-Type", "application/json")
                .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody() : jsonBody(body))
                .build());
    }

    private HttpResponse<String> complete(int maxTokens, boolean stream) throws Exception {
        return post("/v1/completions", completionBody(maxTokens, stream));
    }

    private String memorySeries(String kind) {
        return "llm_device_memory_bytes{device=\"cpu\",kind=\"" + kind + "\",model=\"" + modelName() + "\"}";
    }

    @AfterEach
    void resetAssaults() throws Exception {
        assertEquals(200, assaults("DELETE", null).statusCode());
    }

    @Test
    void invalidValuesAre400NamingTheField() throws Exception {
        List<List<String>> cases = List.of(
                List.of("{\"kv_hold_back_share\":1.5}", "kv_hold_back_share"),
                List.of("{\"kv_hold_back_share\":\"half\"}", "kv_hold_back_share"),
                List.of("{\"step_delay_ms\":-1}", "step_delay_ms"),
                List.of("{\"step_delay_ms\":60001}", "step_delay_ms"),
                List.of("{\"fail_next_steps\":2.5}", "fail_next_steps"),
                List.of("{\"fail_next_steps\":null}", "fail_next_steps"),
                List.of("{\"step_delay\":20}", "step_delay"));
        for (List<String> c : cases) {
            HttpResponse<String> r = assaults("POST", c.get(0));
            assertEquals(400, r.statusCode(), c.get(0) + " → " + r.body());
            assertEquals(c.get(1), json(r).get("error").get("param").asString(), r.body());
        }
        assertEquals(400, assaults("POST", "[1]").statusCode());
        assertEquals(400, assaults("POST", "{").statusCode());
        // Nothing was applied by the refused requests.
        JsonNode state = json(assaults("GET", null));
        assertEquals(0, state.get("step_delay_ms").asLong());
        assertEquals(0, state.get("fail_next_steps").asInt());
    }

    @Test
    void failedStepsEndTheirRequestsWithAnErrorAndTheEngineServesOn() throws Exception {
        JsonNode set = json(assaults("POST", "{\"fail_next_steps\":2}"));
        assertEquals(2, set.get("fail_next_steps").asInt());

        HttpResponse<String> whole = complete(4, false);
        assertEquals(500, whole.statusCode(), whole.body());
        assertEquals("server_error", json(whole).get("error").get("type").asString());
        assertTrue(json(whole).get("error").get("message").asString().contains("injected step failure"), whole.body());

        HttpResponse<String> streamed = complete(4, true);
        assertEquals(200, streamed.statusCode());
        List<JsonNode> chunks = chunks(streamed.body());
        JsonNode last = chunks.getLast();
        assertTrue(last.has("error"), "the stream must end with an error event: " + streamed.body());
        assertEquals("server_error", last.get("error").get("type").asString());

        assertEquals(0, json(assaults("GET", null)).get("fail_next_steps").asInt());
        HttpResponse<String> after = complete(4, false);
        assertEquals(200, after.statusCode(), after.body());
        assertEquals("length", json(after).get("choices").get(0).get("finish_reason").asString());
    }

    @Test
    void heldBackKvCacheRejectsALargeRequestUntilReleased() throws Exception {
        String exhausted = "llm_requests_rejected_total{model=\"" + modelName() + "\",reason=\"kv_cache_exhausted\"}";
        double rejectedBefore = metric(get("/metrics").body(), exhausted);

        JsonNode held = json(assaults("POST", "{\"kv_hold_back_share\":0.9}"));
        assertEquals(0.9, held.get("kv_hold_back_share").asDouble());
        assertEquals(32, held.get("kv_blocks_total").asInt());
        assertEquals(29, held.get("kv_blocks_held_back").asInt());
        assertEquals(29, json(assaults("GET", null)).get("kv_blocks_held_back").asInt());
        String scrape = get("/metrics").body();
        assertEquals(29 * BLOCK_BYTES, metric(scrape, memorySeries("kv_cache_held_back")));

        // 100 tokens need 7 blocks; 3 are usable: the engine rejects the sequence when it cannot grow.
        HttpResponse<String> refused = complete(100, false);
        assertEquals(503, refused.statusCode(), refused.body());
        assertTrue(json(refused).get("error").get("message").asString().contains("KV cache exhausted"), refused.body());
        assertEquals(rejectedBefore + 1, metric(get("/metrics").body(), exhausted));
        // A request that fits in what is left still runs.
        assertEquals(200, complete(8, false).statusCode());

        JsonNode released = json(assaults("DELETE", null));
        assertEquals(0, released.get("kv_blocks_held_back").asInt());
        assertEquals(0.0, released.get("kv_hold_back_share").asDouble());
        HttpResponse<String> ok = complete(100, false);
        assertEquals(200, ok.statusCode(), ok.body());
    }

    @Test
    void stepDelaySlowsTheFirstTokenRelativeToABaseline() throws Exception {
        long baseline = fastestOfThree();
        assaults("POST", "{\"step_delay_ms\":150}");
        assertEquals(150, json(assaults("GET", null)).get("step_delay_ms").asLong());
        long delayed = fastestOfThree();
        // One token = one step: every request now waits the delay; compared with a generous ratio.
        assertTrue(delayed >= 4 * baseline && delayed >= 150_000_000L,
                "baseline " + baseline / 1e6 + " ms, delayed " + delayed / 1e6 + " ms");
    }

    /** The fastest of three one-token requests: the time to the first (only) token. */
    private long fastestOfThree() throws Exception {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            assertEquals(200, complete(1, false).statusCode());
            best = Math.min(best, System.nanoTime() - start);
        }
        return best;
    }

    @Test
    void deviceMemoryGaugesDescribeTheCacheAndWeights() throws Exception {
        String scrape = get("/metrics").body();
        assertEquals(32 * BLOCK_BYTES, metric(scrape, memorySeries("kv_cache_total")));
        double used = metric(scrape, memorySeries("kv_cache_used"));
        assertTrue(used >= 0 && used <= 32 * BLOCK_BYTES && used % BLOCK_BYTES == 0, "used " + used);
        assertEquals(model.weightBytes(), metric(scrape, memorySeries("weights")));
        // The tiny model in F32: embedding and output (1024 × 128 each) alone take 1 MiB.
        assertTrue(model.weightBytes() > 2L * 1024 * 128 * Float.BYTES, "weights " + model.weightBytes());
    }
}
