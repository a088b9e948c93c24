package dev.gauntlet.engine.scheduler;

/**
 * Batching limits of an {@link InferenceEngine}.
 *
 * @param maxBatchSize     most sequences running at once (decoding or part-way through prefill)
 * @param maxTokensPerStep most tokens in one forward step: one per decoding sequence plus prefill
 *                         chunks; long prompts are split into chunks to stay under it. At least
 *                         {@code maxBatchSize}, so every running sequence can always decode.
 */
public record EngineConfig(int maxBatchSize, int maxTokensPerStep) {

    public EngineConfig {
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("max batch size must be ≥ 1, got " + maxBatchSize);
        }
        if (maxTokensPerStep < maxBatchSize) {
            throw new IllegalArgumentException("max tokens per step (" + maxTokensPerStep
                    + ") must be ≥ max batch size (" + maxBatchSize + ")");
        }
    }
}
