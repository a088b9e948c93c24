package dev.gauntlet.engine.model;

import dev.gauntlet.engine.kv.PagedKvCache;
import java.util.List;

/**
 * A causal language model that runs a batch of sequence chunks in one step over a paged KV
 * cache. The scheduler drives it; the CPU and GPU backends implement it.
 */
public interface ForwardModel {

    /** The model's hyper-parameters. */
    LlamaConfig config();

    /** A KV cache of this model's shape holding as many blocks as fit in {@code budgetBytes}. */
    PagedKvCache newKvCache(long budgetBytes, int blockSize);

    /**
     * Runs every chunk: writes its keys and values into {@code cache} and returns, per chunk,
     * {@code chunk.logitRows() × vocab} logits (row-major).
     */
    float[][] forward(List<SequenceChunk> chunks, PagedKvCache cache);
}
