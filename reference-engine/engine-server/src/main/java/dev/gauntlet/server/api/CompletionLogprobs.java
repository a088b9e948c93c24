package dev.gauntlet.server.api;

import java.util.List;
import java.util.Map;

/**
 * The completions API's (legacy) logprobs: parallel lists over the returned tokens. With echo the
 * first prompt token has a null logprob and null alternatives, as in OpenAI and vLLM.
 *
 * @param textOffset each token's character offset in the returned text
 */
public record CompletionLogprobs(List<String> tokens, List<Double> tokenLogprobs,
                                 List<Map<String, Double>> topLogprobs, List<Integer> textOffset) {
}
