package dev.gauntlet.engine.scheduler;

import dev.gauntlet.engine.kv.PagedKvCache;
import dev.gauntlet.engine.model.ForwardModel;
import dev.gauntlet.engine.model.LlamaConfig;
import dev.gauntlet.engine.model.SequenceChunk;
import dev.gauntlet.engine.sampling.TokenDraw;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic stand-in for a real model whose logits depend on the whole context, carried
 * through the paged KV cache: each position stores a 32-bit hash of (previous position's hash,
 * token, position) as two exact 16-bit halves, and the next chunk reads its predecessor's hash
 * back from the cache. A scheduler that mixes up block tables, reuses stale blocks or feeds wrong
 * positions therefore changes the output.
 */
public final class HashingFakeModel implements ForwardModel {
    private static final int START = 0x9E3779B9;
    private final LlamaConfig config;
    private volatile int poisonToken = -1;
    /** Longest chunk and number of forward calls, for tests on chunking. */
    public final AtomicInteger longestChunk = new AtomicInteger();
    public final AtomicInteger forwardCalls = new AtomicInteger();
    /** Steps run through {@link #sample} (token ids only), for tests on the engine's choice of path. */
    public final AtomicInteger sampleCalls = new AtomicInteger();

    public HashingFakeModel(int contextLength) {
        config = new LlamaConfig(8, 8, 1, 1, 1, FakeTokenizer.VOCAB, contextLength, 1e-5f, 10000f, 8, 1f);
    }

    /** Forward passes that contain {@code token} throw (model failure injection); -1 turns it off. */
    public void poison(int token) {
        poisonToken = token;
    }

    /** A cache of this model's shape with exactly {@code blocks} blocks. */
    public PagedKvCache cache(int blocks, int blockSize) {
        return new PagedKvCache(config.layers(), config.kvDim(), blockSize, blocks);
    }

    @Override
    public LlamaConfig config() {
        return config;
    }

    @Override
    public PagedKvCache newKvCache(long budgetBytes, int blockSize) {
        return PagedKvCache.forBudget(budgetBytes, config.layers(), config.kvDim(), blockSize);
    }

    @Override
    public int[] sample(List<SequenceChunk> chunks, PagedKvCache cache, List<TokenDraw> draws) {
        sampleCalls.incrementAndGet();
        return ForwardModel.super.sample(chunks, cache, draws);
    }

    @Override
    public float[][] forward(List<SequenceChunk> chunks, PagedKvCache cache) {
        forwardCalls.incrementAndGet();
        float[][] out = new float[chunks.size()][];
        for (int c = 0; c < chunks.size(); c++) {
            SequenceChunk chunk = chunks.get(c);
            int[] tokens = chunk.tokens();
            longestChunk.accumulateAndGet(tokens.length, Math::max);
            if (cache.blocksFor(chunk.startPos() + tokens.length) > chunk.blocks().size()) {
                throw new IllegalStateException("block table does not cover the chunk");
            }
            float[] keys = cache.keys(0);
            int h = START;
            if (chunk.startPos() > 0) {
                int at = cache.offset(chunk.blocks(), chunk.startPos() - 1);
                h = ((int) keys[at] << 16) | (int) keys[at + 1];
            }
            out[c] = new float[chunk.logitRows() * config.vocab()];
            for (int i = 0; i < tokens.length; i++) {
                if (tokens[i] == poisonToken) {
                    throw new IllegalStateException("poisoned token " + poisonToken);
                }
                int pos = chunk.startPos() + i;
                h = next(h, tokens[i], pos);
                int at = cache.offset(chunk.blocks(), pos);
                keys[at] = h >>> 16;
                keys[at + 1] = h & 0xFFFF;
                if (chunk.logitsForAll()) {
                    fill(h, out[c], i * config.vocab());
                } else if (i == tokens.length - 1) {
                    fill(h, out[c], 0);
                }
            }
        }
        return out;
    }

    /** The logits after {@code context}, computed directly (for checking logprobs). */
    public float[] logitsAfter(int[] context) {
        int h = START;
        for (int i = 0; i < context.length; i++) {
            h = next(h, context[i], i);
        }
        float[] row = new float[config.vocab()];
        fill(h, row, 0);
        return row;
    }

    private static int next(int h, int token, int pos) {
        long x = ((long) h << 32) ^ ((long) token << 16) ^ pos;
        x = (x ^ (x >>> 33)) * 0xff51afd7ed558ccdL;
        x = (x ^ (x >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return (int) (x ^ (x >>> 33));
    }

    private void fill(int h, float[] row, int offset) {
        for (int v = 0; v < config.vocab(); v++) {
            int x = next(h, v, 7);
            row[offset + v] = (x >>> 8) / (float) (1 << 24) * 8 - 4;
        }
        row[offset] -= 1; // make EOS (id 0) a bit rarer so most requests run for a while
    }
}
