package dev.gauntlet.server.api;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/chat/completions} body.
 *
 * @param maxCompletionTokens OpenAI's newer name for {@code max_tokens}; wins when both are given
 * @param logprobs            report the chosen tokens' logprobs
 * @param topLogprobs         alternatives per token (0..20); requires {@code logprobs}
 */
public record ChatCompletionRequest(String model, List<ChatMessage> messages, Integer maxTokens,
                                    Integer maxCompletionTokens, Double temperature, Double topP, Integer topK,
                                    Long seed, JsonNode stop, List<Integer> stopTokenIds, Integer n, Boolean logprobs,
                                    Integer topLogprobs, Integer minTokens, Boolean ignoreEos, Boolean stream,
                                    StreamOptions streamOptions) implements SamplingFields {
}
