package dev.gauntlet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Every endpoint, streamed and not, in OpenAI's shapes. */
@TinyServerTest
@ExtendWith(OutputCaptureExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpenAiApiTest extends ServerTestSupport {

    private String completion(String extra) {
        return "{\"model\":\"" + modelName() + "\",\"prompt\":\"In the beginning God\",\"max_tokens\":12,"
                + "\"temperature\":0" + extra + "}";
    }

    private String chat(String extra) {
        return "{\"model\":\"" + modelName() + "\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"And the earth was\"}],\"max_tokens\":12,\"temperature\":0" + extra + "}";
    }

    @Test
    void completionHasOpenAiShapeTimingsAndRequestId() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/v1/completions"))
                .header("x-request-id", "client-id-42")
                .POST(HttpRequest.BodyPublishers.ofString(completion(",\"ignore_eos\":true"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("client-id-42", r.headers().firstValue("x-request-id").orElseThrow());
        String timings = r.headers().firstValue("x-gauntlet-timings").orElseThrow();
        assertTrue(timings.matches("queue_ms=[0-9.]+,ttft_ms=[0-9.]+,e2e_ms=[0-9.]+,engine_ttft_ms=[0-9.]+,"
                + "engine_e2e_ms=[0-9.]+"), timings);
        Map<String, Double> t = headerTimings(timings);
        // A whole reply's first content leaves with its body, after the engine's last token.
        assertEquals(t.get("ttft_ms"), t.get("e2e_ms"));
        assertTrue(t.get("e2e_ms") >= t.get("engine_e2e_ms"), timings);
        assertTrue(t.get("engine_e2e_ms") >= t.get("engine_ttft_ms"), timings);
        assertTrue(t.get("engine_ttft_ms") >= t.get("queue_ms"), timings);
        JsonNode body = json(r);
        assertEquals("text_completion", body.get("object").asString());
        assertTrue(body.get("id").asString().contains("client-id-42"));
        assertEquals(modelName(), body.get("model").asString());
        JsonNode choice = body.get("choices").get(0);
        assertEquals(0, choice.get("index").asInt());
        assertEquals("length", choice.get("finish_reason").asString());
        assertTrue(choice.get("logprobs").isNull());
        assertFalse(choice.get("text").asString().isEmpty());
        JsonNode usage = body.get("usage");
        assertEquals(12, usage.get("completion_tokens").asInt());
        assertEquals(usage.get("prompt_tokens").asInt() + 12, usage.get("total_tokens").asInt());
    }

    @Test
    void requestLogLineCarriesBothTimingViews(CapturedOutput output) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/v1/completions"))
                .header("x-request-id", "log-line-7")
                .POST(HttpRequest.BodyPublishers.ofString(completion(",\"stream\":true"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        // The line is written once the reply has been flushed, which the client may see first.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String line = null;
        while (line == null && System.nanoTime() < deadline) {
            line = output.getOut().lines().filter(l -> l.contains("\"request_id\":\"log-line-7\"")).findFirst()
                    .orElse(null);
            Thread.sleep(10);
        }
        assertNotNull(line, "no request log line");
        JsonNode logged = JsonMapper.shared().readTree(line.substring(line.indexOf('{')));
        JsonNode t = logged.get("timings");
        for (String field : List.of("queue_ms", "ttft_ms", "e2e_ms", "engine_ttft_ms", "engine_e2e_ms")) {
            assertTrue(t.get(field).isNumber(), field + " in " + line);
        }
        assertTrue(t.get("ttft_ms").asDouble() >= t.get("engine_ttft_ms").asDouble(), line);
        assertTrue(t.get("e2e_ms").asDouble() >= t.get("engine_e2e_ms").asDouble(), line);
        // Both measure from the filter's arrival to the flushed end of the reply.
        assertEquals(logged.get("duration_ms").asDouble(), t.get("e2e_ms").asDouble(), 1e-9, line);
    }

    @Test
    void generatedRequestIdsAreUniqueAndInTheResponseId() throws Exception {
        HttpResponse<String> a = post("/v1/chat/completions", chat(""));
        HttpResponse<String> b = post("/v1/chat/completions", chat(""));
        String idA = a.headers().firstValue("x-request-id").orElseThrow();
        String idB = b.headers().firstValue("x-request-id").orElseThrow();
        assertFalse(idA.equals(idB));
        assertEquals("chatcmpl-" + idA, json(a).get("id").asString());
    }

    @Test
    void chatCompletionHasOpenAiShape() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", chat(""));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("x-gauntlet-timings").isPresent());
        JsonNode body = json(r);
        assertEquals("chat.completion", body.get("object").asString());
        JsonNode choice = body.get("choices").get(0);
        assertEquals("assistant", choice.get("message").get("role").asString());
        assertTrue(choice.get("message").get("content").isString());
        assertTrue(List.of("stop", "length").contains(choice.get("finish_reason").asString()));
        assertTrue(body.get("usage").get("prompt_tokens").asInt() > 10);
    }

    @Test
    void streamedCompletionMatchesNonStreamedTokenForToken() throws Exception {
        String whole = json(post("/v1/completions", completion(",\"ignore_eos\":true"))).get("choices").get(0)
                .get("text").asString();
        HttpResponse<String> r = post("/v1/completions",
                completion(",\"ignore_eos\":true,\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
        List<JsonNode> chunks = chunks(r.body());
        StringBuilder text = new StringBuilder();
        String finish = null;
        for (JsonNode c : chunks.subList(0, chunks.size() - 1)) {
            assertEquals("text_completion", c.get("object").asString());
            JsonNode choice = c.get("choices").get(0);
            text.append(choice.get("text").asString());
            if (!choice.get("finish_reason").isNull()) {
                finish = choice.get("finish_reason").asString();
            }
        }
        assertEquals(whole, text.toString());
        assertEquals("length", finish);
        JsonNode usage = chunks.getLast();
        assertTrue(usage.get("choices").isEmpty());
        assertEquals(12, usage.get("usage").get("completion_tokens").asInt());
        JsonNode timings = usage.get("usage").get("gauntlet_timings");
        // The HTTP view follows the engine's: a token is flushed after it is sampled, [DONE] after the last.
        assertTrue(timings.get("ttft_ms").asDouble() >= timings.get("engine_ttft_ms").asDouble(), timings.toString());
        assertTrue(timings.get("e2e_ms").asDouble() >= timings.get("engine_e2e_ms").asDouble(), timings.toString());
        assertTrue(timings.get("e2e_ms").asDouble() > timings.get("ttft_ms").asDouble(), timings.toString());
        assertTrue(timings.get("engine_ttft_ms").asDouble() >= timings.get("queue_ms").asDouble(), timings.toString());
        assertTrue(timings.get("queue_ms").asDouble() >= 0);
    }

    @Test
    void streamedChatMatchesNonStreamedAndStartsWithRole() throws Exception {
        JsonNode whole = json(post("/v1/chat/completions", chat(",\"logprobs\":true,\"top_logprobs\":3")));
        HttpResponse<String> r = post("/v1/chat/completions",
                chat(",\"logprobs\":true,\"top_logprobs\":3,\"stream\":true"));
        List<JsonNode> chunks = chunks(r.body());
        JsonNode first = chunks.getFirst().get("choices").get(0).get("delta");
        assertEquals("assistant", first.get("role").asString());
        StringBuilder text = new StringBuilder();
        int logprobEntries = 0;
        for (JsonNode c : chunks) {
            assertEquals("chat.completion.chunk", c.get("object").asString());
            assertNotNull(c.get("choices").get(0), "no usage chunk without include_usage");
            JsonNode delta = c.get("choices").get(0).get("delta");
            if (delta.has("content")) {
                text.append(delta.get("content").asString());
            }
            JsonNode lp = c.get("choices").get(0).get("logprobs");
            if (!lp.isNull()) {
                JsonNode entry = lp.get("content").get(0);
                JsonNode expected = whole.get("choices").get(0).get("logprobs").get("content").get(logprobEntries++);
                assertEquals(expected.get("token").asString(), entry.get("token").asString());
                assertEquals(expected.get("logprob").asDouble(), entry.get("logprob").asDouble(), 1e-9);
                assertEquals(3, entry.get("top_logprobs").size());
            }
        }
        JsonNode last = chunks.getLast().get("choices").get(0);
        assertTrue(last.get("delta").isEmpty());
        assertEquals(whole.get("choices").get(0).get("finish_reason").asString(), last.get("finish_reason").asString());
        assertEquals(whole.get("choices").get(0).get("message").get("content").asString(), text.toString());
        assertEquals(whole.get("usage").get("completion_tokens").asInt(), logprobEntries);
    }

    @Test
    void echoWithLogprobsReturnsThePromptWithANullFirstLogprob() throws Exception {
        HttpResponse<String> r = post("/v1/completions", "{\"model\":\"" + modelName()
                + "\",\"prompt\":[5,6,7,8],\"max_tokens\":3,\"temperature\":0,\"ignore_eos\":true,\"echo\":true,\"logprobs\":2}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode lp = json(r).get("choices").get(0).get("logprobs");
        assertEquals(7, lp.get("tokens").size());
        assertTrue(lp.get("token_logprobs").get(0).isNull());
        assertTrue(lp.get("top_logprobs").get(0).isNull());
        for (int i = 1; i < 7; i++) {
            assertTrue(lp.get("token_logprobs").get(i).asDouble() <= 0);
            assertTrue(lp.get("top_logprobs").get(i).size() >= 2);
        }
        assertEquals(0, lp.get("text_offset").get(0).asInt());
        String text = json(r).get("choices").get(0).get("text").asString();
        assertTrue(text.startsWith(model.tokenizer().decode(new int[] {5, 6, 7, 8})));

        HttpResponse<String> streamed = post("/v1/completions", "{\"model\":\"" + modelName()
                + "\",\"prompt\":[5,6,7,8],\"max_tokens\":3,\"temperature\":0,\"ignore_eos\":true,\"echo\":true,"
                + "\"logprobs\":2,\"stream\":true}");
        JsonNode echoChunk = chunks(streamed.body()).getFirst().get("choices").get(0);
        assertEquals(4, echoChunk.get("logprobs").get("tokens").size());
        assertTrue(echoChunk.get("logprobs").get("token_logprobs").get(0).isNull());
        assertEquals(lp.get("token_logprobs").get(3).asDouble(),
                echoChunk.get("logprobs").get("token_logprobs").get(3).asDouble(), 1e-9);
    }

    @Test
    void seededSamplingIsReproducibleAndStopStringsEndTheText() throws Exception {
        String seeded = completion(",\"temperature\":0.9,\"top_p\":0.9,\"top_k\":40,\"seed\":123,\"ignore_eos\":true")
                .replace("\"temperature\":0,", "");
        assertEquals(json(post("/v1/completions", seeded)).get("choices").get(0).get("text").asString(),
                json(post("/v1/completions", seeded)).get("choices").get(0).get("text").asString());

        String text = json(post("/v1/completions", completion(",\"ignore_eos\":true"))).get("choices").get(0)
                .get("text").asString();
        String stop = text.substring(text.length() / 2, text.length() / 2 + 1);
        JsonNode stopped = json(post("/v1/completions", completion(",\"ignore_eos\":true,\"stop\":[\""
                + stop.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]"))).get("choices").get(0);
        assertEquals("stop", stopped.get("finish_reason").asString());
        assertEquals(text.substring(0, text.indexOf(stop)), stopped.get("text").asString());
    }

    @Test
    void modelsHealthAndReady() throws Exception {
        JsonNode models = json(get("/v1/models"));
        assertEquals("list", models.get("object").asString());
        assertEquals(modelName(), models.get("data").get(0).get("id").asString());
        assertEquals(512, models.get("data").get(0).get("max_model_len").asInt());

        HttpResponse<String> health = get("/health");
        assertEquals(200, health.statusCode());
        assertEquals("alive", json(health).get("status").asString());
        HttpResponse<String> ready = get("/ready");
        assertEquals(200, ready.statusCode());
        assertEquals("ready", json(ready).get("status").asString());
        assertTrue(json(ready).has("kv_cache_usage") && json(ready).has("running") && json(ready).has("waiting"));
        assertTrue(ready.headers().firstValue("x-request-id").isPresent());
    }

    @Test
    void metricsExposeTheContractNamesWithModelLabel() throws Exception {
        post("/v1/completions", completion(""));
        HttpResponse<String> r = get("/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElseThrow().startsWith("text/plain"));
        String m = r.body();
        String label = "model=\"" + modelName() + "\"";
        for (String name : List.of("llm_time_to_first_token_seconds_bucket", "llm_inter_token_latency_seconds_bucket",
                "llm_e2e_request_latency_seconds_bucket", "llm_request_queue_seconds_bucket",
                "llm_request_prompt_tokens_bucket", "llm_request_generation_tokens_bucket", "llm_batch_size_bucket",
                "llm_prompt_tokens_total", "llm_generation_tokens_total", "llm_requests_total",
                "llm_requests_rejected_total", "llm_preemptions_total", "llm_requests_running",
                "llm_requests_waiting", "llm_kv_cache_usage_ratio", "llm_kv_cache_blocks", "llm_engine_info")) {
            assertTrue(m.lines().anyMatch(l -> l.startsWith(name + "{") && l.contains(label)), name + " missing:\n" + m);
        }
        for (String line : m.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).toList()) {
            assertTrue(line.contains(label), "series without the model label: " + line);
        }
        assertEquals(1, metric(m, "llm_engine_info{backend=\"cpu\"," + label + ",quant=\"f32\",tp=\"1\"}"));
        assertTrue(metric(m, "llm_requests_total{finish_reason=\"length\"," + label + ",status=\"200\"}") >= 1);
    }

    /** The {@code x-gauntlet-timings} header as a map of its fields. */
    private static Map<String, Double> headerTimings(String header) {
        Map<String, Double> fields = new HashMap<>();
        for (String field : header.split(",")) {
            String[] kv = field.split("=", 2);
            fields.put(kv[0], Double.parseDouble(kv[1]));
        }
        return fields;
    }
}
