package dev.gauntlet.accuracy.backend;

import dev.gauntlet.engine.kv.BlockTable;
import dev.gauntlet.engine.kv.PagedKvCache;
import dev.gauntlet.engine.model.ForwardModel;
import dev.gauntlet.engine.model.SequenceChunk;
import dev.gauntlet.engine.sampling.Sampler;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs whole token sequences through a {@link ForwardModel} over a paged KV cache sized once for
 * the largest job, which every call empties again. Closing it frees the cache (device memory, on
 * a GPU backend). Not thread-safe.
 */
public final class SequenceRunner implements AutoCloseable {
    private static final int BLOCK_SIZE = 16;

    private final ForwardModel model;
    private final PagedKvCache cache;
    private final int vocab;

    /**
     * @param sequences    the most sequences one call runs together
     * @param maxPositions the most positions any of them reaches
     */
    public SequenceRunner(ForwardModel model, int sequences, int maxPositions) {
        var config = model.config();
        if (maxPositions > config.contextLength()) {
            throw new IllegalArgumentException(maxPositions + " positions exceed the model's context length "
                    + config.contextLength());
        }
        long perSequence = PagedKvCache.bytesPerBlock(config.layers(), config.kvDim(), BLOCK_SIZE)
                * ((maxPositions + BLOCK_SIZE - 1) / BLOCK_SIZE);
        this.model = model;
        this.cache = model.newKvCache(perSequence * sequences, BLOCK_SIZE);
        this.vocab = config.vocab();
    }

    /**
     * The logits after every token of {@code tokens} (row i predicts token i+1), from one prefill
     * step: {@code tokens.length × vocab} floats, row-major.
     */
    public float[] logitsAfterEach(int[] tokens) {
        BlockTable table = allocate(tokens.length);
        try {
            return model.forward(List.of(new SequenceChunk(table, tokens, 0, true)), cache)[0];
        } finally {
            cache.release(table);
        }
    }

    /**
     * Greedy continuations of every prompt, decoded together: one prefill step for all prompts,
     * then one step per new token with every sequence in it. End-of-sequence tokens do not stop a
     * sequence, so every continuation has {@code newTokens} tokens and position i always compares
     * with position i.
     */
    public int[][] greedy(int[][] prompts, int newTokens) {
        List<BlockTable> tables = new ArrayList<>();
        try {
            List<SequenceChunk> step = new ArrayList<>();
            for (int[] prompt : prompts) {
                BlockTable table = allocate(prompt.length + newTokens);
                tables.add(table);
                step.add(new SequenceChunk(table, prompt, 0, false));
            }
            int[][] out = new int[prompts.length][newTokens];
            for (int i = 0; i < newTokens; i++) {
                float[][] logits = model.forward(step, cache);
                step.clear();
                for (int s = 0; s < prompts.length; s++) {
                    out[s][i] = Sampler.argmax(logits[s], 0, vocab);
                    step.add(new SequenceChunk(tables.get(s), new int[] {out[s][i]}, prompts[s].length + i, false));
                }
            }
            return out;
        } finally {
            tables.forEach(cache::release);
        }
    }

    private BlockTable allocate(int positions) {
        BlockTable table = new BlockTable();
        if (!cache.ensureCapacity(table, positions)) {
            cache.release(table);
            throw new IllegalStateException("KV cache too small for " + positions + " more positions");
        }
        return table;
    }

    /** Frees the KV cache. */
    @Override
    public void close() {
        cache.close();
    }
}
