package dev.gauntlet.load.target;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * What a target says about itself: its {@code /v1/models} answer, used to pick the model when none
 * is given and recorded in the results. A target that does not answer is recorded as such.
 *
 * @param models the {@code /v1/models} JSON, or null
 * @param error  why it could not be read, or null
 */
public record TargetInfo(JsonNode models, String error) {

    /** Asks {@code baseUrl}. */
    public static TargetInfo query(URI baseUrl, String apiKey) {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpRequest.Builder request = HttpRequest.newBuilder(baseUrl.resolve("/v1/models"))
                    .timeout(Duration.ofSeconds(10)).GET();
            if (apiKey != null) {
                request.header("Authorization", "Bearer " + apiKey);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return new TargetInfo(null, "GET /v1/models: HTTP " + response.statusCode());
            }
            return new TargetInfo(new ObjectMapper().readTree(response.body()), null);
        } catch (java.io.IOException e) {
            return new TargetInfo(null, "GET /v1/models: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new TargetInfo(null, "GET /v1/models: interrupted");
        }
    }

    /** The first served model's id, or null. */
    public String firstModel() {
        JsonNode id = models == null ? null : models.path("data").path(0).get("id");
        return id == null ? null : id.asText();
    }
}
