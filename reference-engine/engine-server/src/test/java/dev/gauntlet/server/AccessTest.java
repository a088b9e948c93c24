package dev.gauntlet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * API keys (from the command line and a file), the admin key, and the per-key rate limit (0.2
 * requests per second with a burst of 2: a third quick request is refused for about 5 s).
 */
@SpringBootTest(classes = GauntletServerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"gauntlet.access.api-keys[0]=sk-alpha", "gauntlet.access.api-keys[1]=sk-beta",
            "gauntlet.access.admin-key=admin-secret", "gauntlet.rate-limit.rps=0.2", "gauntlet.rate-limit.burst=2"})
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AccessTest extends ServerTestSupport {
    private static final String FILE_KEY = "sk-from-file";

    @DynamicPropertySource
    static void keysFile(DynamicPropertyRegistry registry) {
        registry.add("gauntlet.access.api-keys-file", AccessTest::writeKeysFile);
    }

    private static String writeKeysFile() {
        try {
            Path file = Files.createTempFile("gauntlet-keys", ".txt");
            file.toFile().deleteOnExit();
            Files.writeString(file, "# keys for the tests\n\n  " + FILE_KEY + "  \n");
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertInvalidKey(HttpResponse<String> r) {
        assertEquals(401, r.statusCode(), r.body());
        assertEquals("Bearer", r.headers().firstValue("www-authenticate").orElseThrow());
        JsonNode error = json(r).get("error");
        assertEquals("invalid_request_error", error.get("type").asString());
        assertEquals("invalid_api_key", error.get("code").asString());
        assertTrue(error.has("param") && error.get("param").isNull(), r.body());
        assertTrue(r.headers().firstValue("x-request-id").isPresent(), "refusals carry a request id too");
    }

    @Test
    void missingWrongOrMalformedKeysGet401() throws Exception {
        assertInvalidKey(send(request("/v1/models", null).GET().build()));
        assertInvalidKey(send(request("/v1/models", "sk-wrong").GET().build()));
        assertInvalidKey(send(request("/v1/models", "admin-secret").GET().build()));
        assertInvalidKey(send(request("/v1/models", null).header("Authorization", "Basic c2stYWxwaGE=").GET().build()));
        assertInvalidKey(send(request("/v1/models", null).header("Authorization", "Bearer ").GET().build()));
        // The key is checked before the body is read: a refused POST says 401, not 400.
        assertInvalidKey(send(request("/v1/completions", "sk-alph").POST(jsonBody("{")).build()));
    }

    @Test
    void everyConfiguredKeyIsAcceptedAndTheSchemeIsCaseInsensitive() throws Exception {
        assertEquals(200, send(request("/v1/models", "sk-beta").GET().build()).statusCode());
        assertEquals(200, send(request("/v1/models", FILE_KEY).GET().build()).statusCode());
        HttpResponse<String> r = send(request("/v1/completions", null).header("Authorization", "bearer sk-beta")
                .POST(jsonBody(completionBody(2, false))).build());
        assertEquals(200, r.statusCode(), r.body());
    }

    @Test
    void probesAndMetricsStayOpen() throws Exception {
        assertEquals(200, get("/health").statusCode());
        assertEquals(200, get("/ready").statusCode());
        assertEquals(200, get("/metrics").statusCode());
    }

    @Test
    void adminEndpointsNeedTheAdminKeyNotAnApiKey() throws Exception {
        assertInvalidKey(send(request("/admin/assaults", null).GET().build()));
        assertInvalidKey(send(request("/admin/assaults", "sk-alpha").GET().build()));
        assertEquals(200, send(request("/admin/assaults", "admin-secret").GET().build()).statusCode());
        // Chaos Monkey's endpoints exist only under its profile: with the key, they are simply absent.
        assertInvalidKey(send(request("/actuator/chaosmonkey", null).GET().build()));
        assertEquals(404, send(request("/actuator/chaosmonkey", "admin-secret").GET().build()).statusCode());
        assertEquals(404, send(request("/actuator/health", "admin-secret").GET().build()).statusCode());
    }

    @Test
    void overTheRateAKeyGets429WithRetryAfterWhileOtherKeysGoOn() throws Exception {
        String series = "llm_requests_rejected_total{model=\"" + modelName() + "\",reason=\"rate_limited\"}";
        double before = metric(get("/metrics").body(), series);
        HttpRequest models = request("/v1/models", "sk-alpha").GET().build();
        assertEquals(200, send(models).statusCode());
        assertEquals(200, send(models).statusCode());
        HttpResponse<String> refused = send(models);
        assertEquals(429, refused.statusCode(), refused.body());
        JsonNode error = json(refused).get("error");
        assertEquals("rate_limit_exceeded", error.get("code").asString());
        assertEquals("rate_limit_error", error.get("type").asString());
        // One token every 5 s, the bucket just emptied: the next one is at most 5 s away, rounded up.
        int retryAfter = Integer.parseInt(refused.headers().firstValue("retry-after").orElseThrow());
        assertTrue(retryAfter >= 4 && retryAfter <= 5, "Retry-After " + retryAfter);
        assertEquals(before + 1, metric(get("/metrics").body(), series));
        // Per key: another client still has its whole burst.
        assertEquals(200, send(request("/v1/models", FILE_KEY).GET().build()).statusCode());
    }
}
