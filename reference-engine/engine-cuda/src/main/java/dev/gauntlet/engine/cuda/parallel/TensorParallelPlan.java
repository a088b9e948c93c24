package dev.gauntlet.engine.cuda.parallel;

import dev.gauntlet.engine.model.LlamaConfig;
import dev.gauntlet.engine.model.LlamaWeights;
import dev.gauntlet.engine.tensor.WeightMatrices;
import dev.gauntlet.engine.tensor.WeightMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * How a Llama model splits over {@code ranks} devices, Megatron style. Each rank holds whole
 * attention heads and a slice of the feed-forward width: the QKV and gate/up products are
 * column-parallel (each rank computes its heads' queries, keys and values and its slice of the
 * hidden units, from the full input), the attention-output and down products row-parallel (each
 * rank multiplies its slice of their input by the matching columns, and the ranks' partial sums
 * are added: one all-reduce per block). The output head splits over the vocabulary and rank 0
 * gathers the logits. The embedding and the norms are replicated, so every rank keeps the whole
 * residual stream.
 *
 * <p>Splits follow head and 32-value boundaries, so the quantized blocks a rank reads and the
 * Q8_0 blocks its inputs are rounded to are exactly those of the unsplit model: only the order
 * of the row-parallel sums changes.
 */
public record TensorParallelPlan(LlamaConfig config, int ranks) {
    /** Values per quantization block: a column split must not cut one. */
    private static final int BLOCK = 32;

    /**
     * @throws IllegalArgumentException naming the dimension that does not split over {@code ranks}
     */
    public TensorParallelPlan {
        if (ranks < 1) {
            throw new IllegalArgumentException("--tp must be at least 1, got " + ranks);
        }
        String of = " over --tp " + ranks;
        if (config.heads() % ranks != 0 || config.kvHeads() % ranks != 0) {
            throw new IllegalArgumentException("the model's " + config.heads() + " attention heads and " + config.kvHeads()
                    + " KV heads do not split evenly" + of);
        }
        if (config.heads() / ranks * config.headDim() % BLOCK != 0) {
            throw new IllegalArgumentException("each rank's " + config.heads() / ranks + " heads of " + config.headDim()
                    + " values are not whole blocks of " + BLOCK + of);
        }
        if (config.hiddenDim() % (ranks * BLOCK) != 0) {
            throw new IllegalArgumentException("the feed-forward width " + config.hiddenDim()
                    + " does not split into whole blocks of " + BLOCK + of);
        }
        if (config.vocab() < ranks) {
            throw new IllegalArgumentException("a vocabulary of " + config.vocab() + " does not split" + of);
        }
    }

    /** Attention heads per rank. */
    public int heads() {
        return config.heads() / ranks;
    }

    /** KV heads per rank. */
    public int kvHeads() {
        return config.kvHeads() / ranks;
    }

    /** Feed-forward units per rank. */
    public int hiddenDim() {
        return config.hiddenDim() / ranks;
    }

    /** Width of a rank's attention output: its heads' values side by side. */
    public int attentionWidth() {
        return heads() * config.headDim();
    }

    /** Width of a rank's keys (and values) per token, what its KV cache holds. */
    public int kvDim() {
        return kvHeads() * config.headDim();
    }

    /** The first vocabulary row of {@code rank}'s slice of the output head (parallel.cu's slice_start). */
    public int vocabStart(int rank) {
        return (int) ((long) rank * config.vocab() / ranks);
    }

    /** Rows of {@code rank}'s slice of the output head. */
    public int vocabRows(int rank) {
        return vocabStart(rank + 1) - vocabStart(rank);
    }

    /**
     * Rank {@code rank}'s weights, as a {@link LlamaWeights} of the rank's shapes: per layer
     * {@code wq, wk, wv} its heads' rows, {@code wo} the matching columns, {@code gate, up} its
     * hidden units' rows, {@code down} their columns, and {@code output} its vocabulary rows.
     * Row slices are views of {@code full}; column slices are copied into {@code arena}. With one
     * rank, the weights come back as they are.
     */
    public LlamaWeights shard(LlamaWeights full, int rank, Arena arena) {
        if (rank < 0 || rank >= ranks) {
            throw new IndexOutOfBoundsException("rank " + rank + " of " + ranks);
        }
        if (ranks == 1) {
            return full;
        }
        int hd = config.headDim();
        LlamaWeights.Layer[] layers = new LlamaWeights.Layer[full.layers().length];
        for (int l = 0; l < layers.length; l++) {
            LlamaWeights.Layer w = full.layers()[l];
            layers[l] = new LlamaWeights.Layer(w.attnNorm(),
                    rows(w.wq(), rank * attentionWidth(), attentionWidth()),
                    rows(w.wk(), rank * kvDim(), kvDim()),
                    rows(w.wv(), rank * kvDim(), kvDim()),
                    columns(w.wo(), rank * heads() * hd, attentionWidth(), arena),
                    w.ffnNorm(),
                    rows(w.gate(), rank * hiddenDim(), hiddenDim()),
                    rows(w.up(), rank * hiddenDim(), hiddenDim()),
                    columns(w.down(), rank * hiddenDim(), hiddenDim(), arena));
        }
        return new LlamaWeights(full.tokenEmbedding(), layers, full.outputNorm(),
                rows(full.output(), vocabStart(rank), vocabRows(rank)));
    }

    /** Rows {@code [first, first + count)} of {@code m}, a view of its bytes. */
    static WeightMatrix rows(WeightMatrix m, int first, int count) {
        long rowBytes = m.type().bytesFor(m.cols());
        return WeightMatrices.of(m.type(), count, m.cols(), m.data().asSlice(first * rowBytes, count * rowBytes));
    }

    /** Columns {@code [first, first + count)} of {@code m} (whole blocks), copied row by row into {@code arena}. */
    static WeightMatrix columns(WeightMatrix m, int first, int count, Arena arena) {
        if (first % m.type().blockSize() != 0 || count % m.type().blockSize() != 0) {
            throw new IllegalArgumentException("columns " + first + "+" + count + " cut " + m.type() + " blocks");
        }
        long rowBytes = m.type().bytesFor(m.cols());
        long skip = m.type().bytesFor(first);
        long sliceBytes = m.type().bytesFor(count);
        MemorySegment slice = arena.allocate(sliceBytes * m.rows(), 8);
        for (long r = 0; r < m.rows(); r++) {
            MemorySegment.copy(m.data(), r * rowBytes + skip, slice, r * sliceBytes, sliceBytes);
        }
        return WeightMatrices.of(m.type(), m.rows(), count, slice);
    }
}
