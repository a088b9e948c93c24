package dev.gauntlet.server.generation;

import dev.gauntlet.engine.sampling.TokenLogprobs;
import dev.gauntlet.engine.scheduler.FinishEvent;
import dev.gauntlet.engine.scheduler.TokenEvent;
import java.util.List;

/**
 * A finished request.
 *
 * @param text           the generated text (stop strings excluded)
 * @param tokens         every generated token, with its logprobs when requested
 * @param promptLogprobs the prompt's logprobs (entry {@code i} is prompt token {@code i + 1}), or null
 * @param finish         the final event
 */
public record GenerationResult(String text, List<TokenEvent> tokens, List<TokenLogprobs> promptLogprobs,
                               FinishEvent finish) {
}
