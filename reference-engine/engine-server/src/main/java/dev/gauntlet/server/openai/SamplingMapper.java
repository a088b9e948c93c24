package dev.gauntlet.server.openai;

import dev.gauntlet.engine.sampling.SamplingParams;
import dev.gauntlet.server.api.SamplingFields;
import dev.gauntlet.server.errors.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Builds the engine's {@link SamplingParams} from a request's fields. The engine validates the
 * values and names the offending parameter in its message; that name becomes the error's
 * {@code param}, translated to the endpoint's field name where the two differ.
 */
final class SamplingMapper {
    /** OpenAI's default temperature (sampling, not greedy). */
    private static final double DEFAULT_TEMPERATURE = 1.0;

    private SamplingMapper() {
    }

    /**
     * @param maxTokens      the endpoint's token limit, or null for "until the context is full"
     * @param logprobs       alternatives per generated token, or null
     * @param promptLogprobs alternatives per prompt token, or null
     * @param paramNames     engine parameter name → this endpoint's field name, where they differ
     */
    static SamplingParams toParams(SamplingFields f, Integer maxTokens, Integer logprobs, Integer promptLogprobs,
                                   Map<String, String> paramNames) {
        if (f.n() != null && f.n() != 1) {
            throw ApiException.badRequest("n", "only n=1 is supported, got " + f.n());
        }
        try {
            return SamplingParams.builder()
                    .temperature(f.temperature() == null ? DEFAULT_TEMPERATURE : f.temperature())
                    .topP(f.topP() == null ? 1 : f.topP())
                    .topK(f.topK() == null ? 0 : f.topK())
                    .seed(f.seed())
                    .maxTokens(maxTokens)
                    .minTokens(f.minTokens() == null ? 0 : f.minTokens())
                    .ignoreEos(Boolean.TRUE.equals(f.ignoreEos()))
                    .stop(stops(f.stop()))
                    .stopTokenIds(f.stopTokenIds() == null ? List.of() : nonNull(f.stopTokenIds()))
                    .logprobs(logprobs)
                    .promptLogprobs(promptLogprobs)
                    .build();
        } catch (IllegalArgumentException e) {
            // The engine's messages start with the parameter's name ("temperature must be ...").
            String engineName = e.getMessage().split("[ .]", 2)[0];
            String param = paramNames.getOrDefault(engineName, engineName);
            String message = e.getMessage();
            if (!param.equals(engineName)) {
                message = param + message.substring(engineName.length());
            }
            throw ApiException.badRequest(param, message);
        }
    }

    /** Whether the client asked for a usage chunk at the end of the stream. */
    static boolean includeUsage(SamplingFields f) {
        return f.streamOptions() != null && Boolean.TRUE.equals(f.streamOptions().includeUsage());
    }

    private static List<String> stops(JsonNode stop) {
        if (stop == null || stop.isNull()) {
            return List.of();
        }
        if (stop.isString()) {
            return List.of(stop.asString());
        }
        if (stop.isArray()) {
            List<String> out = new ArrayList<>();
            for (JsonNode s : stop) {
                if (!s.isString()) {
                    throw ApiException.badRequest("stop", "stop must be a string or a list of strings");
                }
                out.add(s.asString());
            }
            return out;
        }
        throw ApiException.badRequest("stop", "stop must be a string or a list of strings");
    }

    private static List<Integer> nonNull(List<Integer> ids) {
        if (ids.contains(null)) {
            throw ApiException.badRequest("stop_token_ids", "stop_token_ids must not contain null");
        }
        return ids;
    }
}
