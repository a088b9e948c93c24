package dev.gauntlet.engine.scheduler;

import java.util.Map;

/**
 * A consistent snapshot of the engine, taken on the engine thread between steps.
 *
 * @param running         sequences in the batch
 * @param waiting         sequences queued (new or preempted)
 * @param lastBatchSize   sequences in the last forward step
 * @param steps           forward steps run
 * @param preemptions     preemptions so far
 * @param rejections      rejected requests by reason (every reason present, zero or more)
 * @param finished        requests that received their final event
 * @param usedKvBlocks    KV blocks in use, including held-back ones
 * @param heldBackKvBlocks KV blocks held back by fault injection
 * @param totalKvBlocks   KV blocks in the cache
 */
public record EngineStats(int running, int waiting, int lastBatchSize, long steps, long preemptions,
                          Map<RejectionReason, Long> rejections, long finished, int usedKvBlocks,
                          int heldBackKvBlocks, int totalKvBlocks) {

    public EngineStats {
        rejections = Map.copyOf(rejections);
    }

    /** Share of KV blocks in use, 0..1. */
    public double kvUsage() {
        return (double) usedKvBlocks / totalKvBlocks;
    }
}
