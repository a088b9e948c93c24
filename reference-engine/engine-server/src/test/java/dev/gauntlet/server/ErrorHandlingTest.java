package dev.gauntlet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/** Bad requests get OpenAI's error body with the right 4xx status and parameter, never a 500 or a hang. */
@TinyServerTest
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ErrorHandlingTest extends ServerTestSupport {

    private String completion(String fields) {
        return "{\"model\":\"" + modelName() + "\"," + fields + "}";
    }

    private JsonNode expectError(HttpResponse<String> r, int status, String param) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElseThrow().startsWith("application/json"));
        assertTrue(r.headers().firstValue("x-request-id").isPresent());
        JsonNode error = json(r).get("error");
        assertTrue(error.get("message").asString().length() > 5, r.body());
        assertTrue(error.has("type") && error.has("code") && error.has("param"), r.body());
        if (param == null) {
            assertTrue(error.get("param").isNull(), r.body());
        } else {
            assertEquals(param, error.get("param").asString(), r.body());
        }
        return error;
    }

    @Test
    void malformedJsonAndEmptyBody() throws Exception {
        expectError(post("/v1/completions", "{\"model\": \"x\", \"prompt\": "), 400, null);
        expectError(post("/v1/completions", ""), 400, null);
        expectError(post("/v1/chat/completions", "[1,2]"), 400, null);
    }

    @Test
    void invalidUtf8() throws Exception {
        byte[] body = completion("\"prompt\":\"ab\"").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        body[body.length - 4] = (byte) 0xC3; // a lead byte followed by an ASCII quote
        JsonNode error = expectError(post("/v1/completions", body), 400, null);
        assertTrue(error.get("message").asString().contains("UTF-8"));
    }

    @Test
    void badSamplingValuesNameTheirParameter() throws Exception {
        expectError(post("/v1/completions", completion("\"prompt\":\"a\",\"temperature\":\"NaN\"")), 400, "temperature");
        expectError(post("/v1/completions", completion("\"prompt\":\"a\",\"temperature\":-1")), 400, "temperature");
        expectError(post("/v1/completions", completion("\"prompt\":\"a\",\"temperature\":\"hot\"")), 400, "temperature");
        expectError(post("/v1/completions", completion("\"prompt\":\"a\",\"top_p\":0")), 400, "top_p");
        expectError(post("/v1/completions", completion("\"prompt\":\"a\",\"top_k\":-3")), 400, "top_k");
        expectError(post("/v1/completions", completion("\"prompt\":\"a\",\"max_tokens\":-5")), 400, "max_tokens");
        expectError(post("/v1/completions", completion("\"prompt\":\"a\",\"max_tokens\":1e30")), 400, "max_tokens");
        expectError(post("/v1/completions", completion("\"prompt\":\"a\",\"logprobs\":21")), 400, "logprobs");
        expectError(post("/v1/completions", completion("\"prompt\":\"a\",\"stop\":[\"\"]")), 400, "stop");
        expectError(post("/v1/completions", completion("\"prompt\":\"a\",\"stop\":7")), 400, "stop");
        expectError(post("/v1/completions", completion("\"prompt\":\"a\",\"n\":2")), 400, "n");
        expectError(post("/v1/completions", completion("\"prompt\":\"a\",\"stream_options\":{\"include_usage\":\"x\"}")),
                400, "stream_options.include_usage");
    }

    @Test
    void hugeMaxTokensAndLongPromptsExceedTheContext() throws Exception {
        JsonNode error = expectError(post("/v1/completions", completion("\"prompt\":\"a\",\"max_tokens\":2000000000")),
                400, "prompt");
        assertEquals("context_length_exceeded", error.get("code").asString());
        String longPrompt = "In the beginning God created the heaven and the earth. ".repeat(100);
        expectError(post("/v1/chat/completions", "{\"model\":\"" + modelName() + "\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"" + longPrompt + "\"}]}"), 400, "messages");
    }

    @Test
    void tokenIdsOutsideTheVocabulary() throws Exception {
        expectError(post("/v1/completions", completion("\"prompt\":[1,2,1024]")), 400, "prompt");
        expectError(post("/v1/completions", completion("\"prompt\":[1,-2]")), 400, "prompt");
        expectError(post("/v1/completions", completion("\"prompt\":[1,99999999999]")), 400, "prompt");
        expectError(post("/v1/completions", completion("\"prompt\":[]")), 400, "prompt");
        expectError(post("/v1/completions", completion("\"prompt\":[\"a\",\"b\"]")), 400, "prompt");
    }

    @Test
    void badChatMessages() throws Exception {
        expectError(post("/v1/chat/completions", completion("\"messages\":[]")), 400, "messages");
        expectError(post("/v1/chat/completions", completion("\"messages\":[{\"content\":\"hi\"}]")), 400, "messages[0].role");
        expectError(post("/v1/chat/completions", completion("\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]")),
                400, "messages[0].content");
        expectError(post("/v1/chat/completions", completion("\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"top_logprobs\":2")),
                400, "top_logprobs");
        expectError(post("/v1/chat/completions", completion("\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"logprobs\":true,\"top_logprobs\":50")), 400, "top_logprobs");
        expectError(post("/v1/chat/completions", completion("\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"max_completion_tokens\":0")), 400, "max_completion_tokens");
    }

    @Test
    void unknownAndMissingModel() throws Exception {
        JsonNode error = expectError(post("/v1/completions", "{\"model\":\"gpt-9\",\"prompt\":\"a\"}"), 404, "model");
        assertEquals("model_not_found", error.get("code").asString());
        expectError(post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 400, "model");
    }

    @Test
    void bodyOverTheLimit() throws Exception {
        String big = completion("\"prompt\":\"" + "a".repeat(70_000) + "\"");
        JsonNode error = expectError(post("/v1/completions", big), 413, null);
        assertEquals("request_too_large", error.get("code").asString());
    }

    @Test
    void unknownPathAndWrongMethodKeepTheOpenAiShape() throws Exception {
        expectError(get("/v1/embeddings"), 404, null);
        expectError(get("/v1/completions"), 405, null);
    }
}
