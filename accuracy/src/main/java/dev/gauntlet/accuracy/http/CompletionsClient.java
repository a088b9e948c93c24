package dev.gauntlet.accuracy.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.accuracy.metrics.SparseDistribution;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prompt log-probabilities from an OpenAI-compatible {@code /v1/completions} endpoint (the engine's
 * server, vLLM, llama.cpp's server): the prompt is sent as token ids with {@code echo: true},
 * {@code logprobs: k} and {@code max_tokens: 1}, and the echoed prompt's logprobs come back per
 * token, keyed by token text.
 */
public final class CompletionsClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

    private final URI base;
    private final HttpClient http;

    /** A client of the endpoint at {@code base} (e.g. {@code http://127.0.0.1:8000}). */
    public CompletionsClient(URI base) {
        if (base.getScheme() == null || !base.getScheme().startsWith("http") || base.getHost() == null) {
            throw new IllegalArgumentException("not an http(s) URL: " + base);
        }
        this.base = base;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** The endpoint's base URL. */
    public URI base() {
        return base;
    }

    /** The first model {@code GET /v1/models} lists. */
    public String firstModel() throws IOException, InterruptedException {
        JsonNode models = send(HttpRequest.newBuilder(base.resolve("/v1/models")).GET());
        JsonNode first = models.path("data").path(0).path("id");
        if (!first.isTextual()) {
            throw new IOException(base + "/v1/models lists no model");
        }
        return first.asText();
    }

    /**
     * The distribution before each prompt token: element i (i ≥ 1) is what the model predicted for
     * token i after tokens 0..i−1; element 0 is null (nothing precedes the first token).
     *
     * @param topK alternatives per position (the servers' maximum is usually 20)
     */
    public List<SparseDistribution<String>> promptLogprobs(String model, int[] tokens, int topK)
            throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        var prompt = body.putArray("prompt");
        for (int t : tokens) {
            prompt.add(t);
        }
        body.put("echo", true);
        body.put("logprobs", topK);
        // max_tokens 0 is refused by some servers (ours included): one greedy token, ignored.
        body.put("max_tokens", 1);
        body.put("temperature", 0);
        JsonNode reply = send(HttpRequest.newBuilder(base.resolve("/v1/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
        JsonNode lp = reply.path("choices").path(0).path("logprobs");
        JsonNode texts = lp.path("tokens");
        JsonNode logprobs = lp.path("token_logprobs");
        JsonNode tops = lp.path("top_logprobs");
        if (texts.size() < tokens.length || logprobs.size() < tokens.length || tops.size() < tokens.length) {
            throw new IOException(base + "/v1/completions echoed " + texts.size() + " prompt logprobs for a prompt of "
                    + tokens.length + " tokens (does it support echo with logprobs?)");
        }
        List<SparseDistribution<String>> out = new ArrayList<>(tokens.length);
        out.add(null);
        for (int i = 1; i < tokens.length; i++) {
            Map<String, Double> top = new LinkedHashMap<>();
            tops.get(i).properties().forEach(e -> top.put(e.getKey(), e.getValue().asDouble()));
            out.add(new SparseDistribution<>(texts.get(i).asText(), logprobs.get(i).asDouble(), top));
        }
        return out;
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpRequest r = request.timeout(REQUEST_TIMEOUT).build();
        HttpResponse<String> response;
        try {
            response = http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new IOException("cannot reach " + base + ": connection refused or unreachable", e);
        } catch (HttpTimeoutException e) {
            throw new IOException(r.uri() + " did not answer within " + REQUEST_TIMEOUT.toSeconds() + " s", e);
        }
        if (response.statusCode() != 200) {
            String b = response.body();
            throw new IOException(r.method() + " " + r.uri() + " answered HTTP " + response.statusCode() + ": "
                    + (b.length() > 300 ? b.substring(0, 300) + "…" : b));
        }
        return JSON.readTree(response.body());
    }

    @Override
    public void close() {
        http.close();
    }
}
