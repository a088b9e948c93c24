package dev.gauntlet.engine.model;

import dev.gauntlet.engine.kv.PagedKvCache;
import dev.gauntlet.engine.sampling.TokenDraw;
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

    /**
     * Runs the step like {@link #forward} but returns, per chunk, only the token that
     * {@code draws.get(i)} picks from the chunk's last logit row, or -1 where the draw is null
     * (a chunk that needs no token, such as a prefill that does not reach the prompt's end). A
     * backend that can choose on its device overrides this so that the logits stay there; it must
     * pick as {@link TokenDraw#pick} does. This default picks on the host from {@link #forward}.
     */
    default int[] sample(List<SequenceChunk> chunks, PagedKvCache cache, List<TokenDraw> draws) {
        float[][] logits = forward(chunks, cache);
        int vocab = config().vocab();
        int[] tokens = new int[chunks.size()];
        for (int i = 0; i < tokens.length; i++) {
            TokenDraw d = draws.get(i);
            tokens[i] = d == null ? -1 : d.pick(logits[i], (chunks.get(i).logitRows() - 1) * vocab, vocab);
        }
        return tokens;
    }
}
