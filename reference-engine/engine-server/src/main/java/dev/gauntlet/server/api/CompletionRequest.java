package dev.gauntlet.server.api;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/completions} body.
 *
 * @param prompt   a string, or an array of token ids used as is
 * @param logprobs how many alternatives to report per token (0..20), or null for none
 * @param echo     return the prompt before the completion (with its logprobs when {@code logprobs} is set)
 */
public record CompletionRequest(String model, JsonNode prompt, Integer maxTokens, Double temperature, Double topP,
                                Integer topK, Long seed, JsonNode stop, List<Integer> stopTokenIds, Integer n,
                                Integer logprobs, Boolean echo, Integer minTokens, Boolean ignoreEos, Boolean stream,
                                StreamOptions streamOptions) implements SamplingFields {
}
