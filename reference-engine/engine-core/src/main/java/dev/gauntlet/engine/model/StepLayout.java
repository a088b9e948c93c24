package dev.gauntlet.engine.model;

import dev.gauntlet.engine.kv.BlockTable;
import dev.gauntlet.engine.kv.PagedKvCache;
import java.util.List;

/**
 * One forward step's tokens flattened across its chunks, each with its position and block table,
 * checked against the model and the cache. Every backend lays a step out this way.
 */
public final class StepLayout {
    private final List<SequenceChunk> chunks;
    private final PagedKvCache cache;
    private final int[] tokenIds;
    private final int[] positions;
    private final BlockTable[] tables;
    private final int maxPos;
    private final int logitRows;

    /**
     * Lays out {@code chunks}.
     *
     * @throws IllegalArgumentException for an empty chunk, a token id outside the vocabulary or
     *     positions past the context length
     * @throws IllegalStateException when a chunk's blocks do not cover its positions
     */
    public StepLayout(List<SequenceChunk> chunks, PagedKvCache cache, LlamaConfig config) {
        this.chunks = chunks;
        this.cache = cache;
        int n = 0;
        int rows = 0;
        for (SequenceChunk c : chunks) {
            n += c.tokens().length;
            rows += c.logitRows();
        }
        tokenIds = new int[n];
        positions = new int[n];
        tables = new BlockTable[n];
        logitRows = rows;
        int t = 0;
        int max = 0;
        for (SequenceChunk c : chunks) {
            if (c.tokens().length == 0) {
                throw new IllegalArgumentException("empty sequence chunk");
            }
            if (cache.blocksFor(c.startPos() + c.tokens().length) > c.blocks().size()) {
                throw new IllegalStateException("KV blocks do not cover positions up to " + (c.startPos() + c.tokens().length));
            }
            if (c.startPos() < 0 || c.startPos() + c.tokens().length > config.contextLength()) {
                throw new IllegalArgumentException("positions " + c.startPos() + ".." + (c.startPos() + c.tokens().length - 1)
                        + " exceed the context length " + config.contextLength());
            }
            for (int i = 0; i < c.tokens().length; i++) {
                int id = c.tokens()[i];
                if (id < 0 || id >= config.vocab()) {
                    throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + config.vocab() + ")");
                }
                tokenIds[t] = id;
                positions[t] = c.startPos() + i;
                tables[t] = c.blocks();
                max = Math.max(max, positions[t]);
                t++;
            }
        }
        maxPos = max;
    }

    /** The chunks, in step order. */
    public List<SequenceChunk> chunks() {
        return chunks;
    }

    /** Tokens in the step, all chunks together. */
    public int tokens() {
        return tokenIds.length;
    }

    /** Token {@code t}'s id. */
    public int tokenId(int t) {
        return tokenIds[t];
    }

    /** Token {@code t}'s position in its sequence. */
    public int position(int t) {
        return positions[t];
    }

    /** Token {@code t}'s sequence's block table. */
    public BlockTable table(int t) {
        return tables[t];
    }

    /** The largest position of any token in the step. */
    public int maxPos() {
        return maxPos;
    }

    /** Logit rows the chunks ask for, together. */
    public int logitRows() {
        return logitRows;
    }

    /** The step's token indices whose logits the chunks ask for, in chunk order. */
    public int[] logitTokens() {
        int[] rows = new int[logitRows];
        int r = 0;
        int t = 0;
        for (SequenceChunk c : chunks) {
            int first = c.logitsForAll() ? t : t + c.tokens().length - 1;
            for (int i = first; i < t + c.tokens().length; i++) {
                rows[r++] = i;
            }
            t += c.tokens().length;
        }
        return rows;
    }

    /** Index of token {@code t}'s first element in a layer's key or value storage. */
    public int slot(int t) {
        return cache.offset(tables[t], positions[t]);
    }

    /** Splits {@code logitRows() × vocab} row-major logits into one array per chunk. */
    public float[][] splitLogits(float[] logits, int vocab) {
        float[][] out = new float[chunks.size()][];
        int r = 0;
        for (int c = 0; c < out.length; c++) {
            int count = chunks.get(c).logitRows();
            out[c] = java.util.Arrays.copyOfRange(logits, r * vocab, (r + count) * vocab);
            r += count;
        }
        return out;
    }
}
