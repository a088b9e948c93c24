package dev.gauntlet.load.target;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a target says about itself: its {@code /v1/models} answer, used to pick the model when none
 * is given, and the engine's info gauges from its {@code /metrics} ({@link PrometheusInfo}); both
 * recorded in the results. A target that does not answer either is recorded as such.
 *
 * @param models       the {@code /v1/models} JSON, or null
 * @param error        why it could not be read, or null
 * @param metricsInfo  the info gauges' label sets by metric name (empty when {@code /metrics} has none), or
 *                     null when {@code /metrics} could not be read
 * @param metricsError why {@code /metrics} could not be read, or null
 */
public record TargetInfo(JsonNode models, String error, Map<String, List<Map<String, String>>> metricsInfo,
                         String metricsError) {

    /** Asks {@code baseUrl}. */
    public static TargetInfo query(URI baseUrl, String apiKey) {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            Answer models = get(http, baseUrl.resolve("/v1/models"), apiKey);
            Answer metrics = get(http, baseUrl.resolve("/metrics"), apiKey);
            JsonNode json = null;
            String error = models.error();
            if (error == null) {
                try {
                    json = new ObjectMapper().readTree(models.body());
                } catch (java.io.IOException e) {
                    error = "GET /v1/models: not JSON: " + e.getMessage();
                }
            }
            return new TargetInfo(json, error, metrics.error() == null ? PrometheusInfo.parse(metrics.body()) : null,
                    metrics.error());
        }
    }

    /** A body, or why there is none. */
    private record Answer(String body, String error) {
    }

    private static Answer get(HttpClient http, URI uri, String apiKey) {
        String what = "GET " + uri.getPath();
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? new Answer(response.body(), null)
                    : new Answer(null, what + ": HTTP " + response.statusCode());
        } catch (java.io.IOException e) {
            return new Answer(null, what + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(null, what + ": interrupted");
        }
    }

    /** The first served model's id, or null. */
    public String firstModel() {
        JsonNode id = models == null ? null : models.path("data").path(0).get("id");
        return id == null ? null : id.asText();
    }
}
