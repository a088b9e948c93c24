package dev.gauntlet.engine.scheduler;

import dev.gauntlet.engine.sampling.SamplingParams;
import java.util.Objects;

/**
 * One completion to generate. Its content (prompt length, token range, context and KV fit) is
 * validated by {@link InferenceEngine#submit}, which rejects with a reason.
 *
 * @param id            caller's request id, reported in every event
 * @param promptTokens  prompt token ids (the array is copied)
 * @param params        sampling and stopping parameters
 * @param arrivalNanos  {@link System#nanoTime()} when the request arrived (e.g. when the HTTP
 *                      request was read), so that queue time includes time spent before submit
 */
public record GenerationRequest(String id, int[] promptTokens, SamplingParams params, long arrivalNanos) {

    public GenerationRequest {
        Objects.requireNonNull(id, "request id");
        Objects.requireNonNull(params, "sampling params");
        promptTokens = Objects.requireNonNull(promptTokens, "prompt tokens").clone();
    }

    /** A request arriving now. */
    public static GenerationRequest of(String id, int[] promptTokens, SamplingParams params) {
        return new GenerationRequest(id, promptTokens, params, System.nanoTime());
    }

    @Override
    public int[] promptTokens() {
        return promptTokens.clone();
    }

    int promptLength() {
        return promptTokens.length;
    }

    int promptToken(int i) {
        return promptTokens[i];
    }
}
