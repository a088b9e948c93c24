package dev.gauntlet.engine.scheduler;

import dev.gauntlet.engine.sampling.TokenLogprobs;
import java.util.List;

/**
 * Logprobs of the prompt, sent once before the first token when {@code prompt_logprobs} is set.
 *
 * @param logprobs entry {@code i} is prompt token {@code i + 1} given the tokens before it (the
 *                 first prompt token has none, as in OpenAI's echo)
 */
public record PromptLogprobsEvent(String requestId, List<TokenLogprobs> logprobs) implements GenerationEvent {

    public PromptLogprobsEvent {
        logprobs = List.copyOf(logprobs);
    }
}
