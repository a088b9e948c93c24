package dev.gauntlet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The {@code chaos-monkey} profile: its actuator endpoints behind the admin key, and its
 * exception assault reaching real request handling (the generation controller and service)
 * while probes stay untouched. Without the profile the endpoints are absent ({@link AccessTest}).
 */
@SpringBootTest(classes = GauntletServerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.profiles.active=chaos-monkey", "gauntlet.access.admin-key=adm"})
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChaosMonkeyTest extends ServerTestSupport {

    private HttpResponse<String> assaults(String json) throws Exception {
        return send(request("/actuator/chaosmonkey/assaults", "adm").header("Content-Type", "application/json")
                .POST(jsonBody(json)).build());
    }

    @Test
    void actuatorEndpointsNeedTheAdminKey() throws Exception {
        HttpResponse<String> none = send(request("/actuator/chaosmonkey", null).GET().build());
        assertEquals(401, none.statusCode(), none.body());
        assertEquals("invalid_api_key", json(none).get("error").get("code").asString());
        assertEquals(401, send(request("/actuator/chaosmonkey/status", "wrong").GET().build()).statusCode());
        HttpResponse<String> status = send(request("/actuator/chaosmonkey/status", "adm").GET().build());
        assertEquals(200, status.statusCode(), status.body());
        HttpResponse<String> settings = send(request("/actuator/chaosmonkey", "adm").GET().build());
        assertEquals(200, settings.statusCode(), settings.body());
        assertTrue(settings.body().contains("watcher"), settings.body());
        // Only Chaos Monkey's endpoint is exposed, not the rest of the actuator.
        assertEquals(404, send(request("/actuator/health", "adm").GET().build()).statusCode());
    }

    @Test
    void exceptionAssaultFailsGenerationRequestsButNotProbes() throws Exception {
        assertEquals(200, post("/v1/completions", completionBody(2, false)).statusCode());
        try {
            HttpResponse<String> on = assaults("{\"level\":1,\"exceptions_active\":true,\"latency_active\":false}");
            assertEquals(200, on.statusCode(), on.body());
            HttpResponse<String> hit = post("/v1/completions", completionBody(2, false));
            assertEquals(500, hit.statusCode(), hit.body());
            assertEquals("server_error", json(hit).get("error").get("type").asString());
            assertEquals(200, get("/ready").statusCode());
            assertEquals(200, get("/metrics").statusCode());
        } finally {
            assertEquals(200, assaults("{\"exceptions_active\":false}").statusCode());
        }
        assertEquals(200, post("/v1/completions", completionBody(2, false)).statusCode());
    }

    @Test
    void theProfileRefusesToStartWithoutAnAdminKey() {
        Exception e = assertThrows(Exception.class, () -> new SpringApplicationBuilder(GauntletServerApplication.class)
                .registerShutdownHook(false).profiles("chaos-monkey")
                .run("--server.port=0", "--gauntlet.model=" + modelFile()).close());
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        assertTrue(root.getMessage().contains("needs an admin key"), root.toString());
    }
}
