package dev.gauntlet.engine.scheduler;

/**
 * One engine step, for per-step metrics.
 *
 * @param step            step number, from 1
 * @param batchSize       sequences in the forward pass
 * @param prefillTokens   prompt (or recomputed) tokens in the step
 * @param decodeTokens    decode tokens in the step (one per decoding sequence)
 * @param preempted       sequences preempted while planning the step
 * @param failed          whether the forward pass failed (its requests ended with {@code ERROR})
 * @param durationNanos   planning, forward pass, sampling and event delivery
 */
public record StepStats(long step, int batchSize, int prefillTokens, int decodeTokens, int preempted,
                        boolean failed, long durationNanos) {

    public int tokens() {
        return prefillTokens + decodeTokens;
    }
}
