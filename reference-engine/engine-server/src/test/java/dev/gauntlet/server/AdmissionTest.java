package dev.gauntlet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.server.admission.AdmissionControl;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.JsonNode;

/** A server with room for one running and one waiting request: overload gets 429, shutdown 503. */
@SpringBootTest(classes = GauntletServerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"gauntlet.max-batch-size=1", "gauntlet.max-queue=1", "gauntlet.retry-after-seconds=2"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdmissionTest extends ServerTestSupport {
    @Autowired
    AdmissionControl admission;

    private HttpRequest longRequest() {
        return HttpRequest.newBuilder(uri("/v1/completions")).timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + modelName()
                        + "\",\"prompt\":\"a\",\"max_tokens\":40,\"ignore_eos\":true,\"temperature\":0}")).build();
    }

    @Test
    @Order(1)
    void fullQueueGets429WithRetryAfter() throws Exception {
        model.engine().faults().slowSteps(50);
        try {
            List<CompletableFuture<HttpResponse<String>>> admitted = List.of(
                    http.sendAsync(longRequest(), HttpResponse.BodyHandlers.ofString()),
                    http.sendAsync(longRequest(), HttpResponse.BodyHandlers.ofString()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (admission.inFlight() < 2) {
                assertTrue(System.nanoTime() < deadline, "the two requests were not admitted");
                Thread.sleep(5);
            }
            HttpResponse<String> refused = http.send(longRequest(), HttpResponse.BodyHandlers.ofString());
            assertEquals(429, refused.statusCode(), refused.body());
            assertEquals("2", refused.headers().firstValue("retry-after").orElseThrow());
            JsonNode error = json(refused).get("error");
            assertEquals("rate_limit_error", error.get("type").asString());
            assertEquals("queue_full", error.get("code").asString());
            model.engine().faults().reset();
            for (var f : admitted) {
                assertEquals(200, f.get(30, TimeUnit.SECONDS).statusCode());
            }
            String m = get("/metrics").body();
            assertEquals(1, metric(m, "llm_requests_rejected_total{model=\"" + modelName() + "\",reason=\"queue_full\"}"));
            assertEquals(1, metric(m, "llm_requests_total{finish_reason=\"none\",model=\"" + modelName()
                    + "\",status=\"429\"}"));
        } finally {
            model.engine().faults().reset();
        }
    }

    @Test
    @Order(2)
    @DirtiesContext
    void stoppedModelIsNotReadyAndRefusesWith503() throws Exception {
        model.close();
        HttpResponse<String> ready = get("/ready");
        assertEquals(503, ready.statusCode());
        assertEquals("stopped", json(ready).get("status").asString());
        assertEquals(200, get("/health").statusCode());
        HttpResponse<String> r = http.send(longRequest(), HttpResponse.BodyHandlers.ofString());
        assertEquals(503, r.statusCode(), r.body());
        assertEquals("not_ready", json(r).get("error").get("code").asString());
    }
}
