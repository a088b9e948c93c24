package dev.gauntlet.engine.model;

import dev.gauntlet.engine.gguf.GgufFile;
import dev.gauntlet.engine.gguf.GgufFormatException;

/**
 * Llama hyper-parameters, as GGUF names them under {@code llama.*}.
 *
 * @param dim            embedding width ({@code embedding_length})
 * @param hiddenDim      SwiGLU width ({@code feed_forward_length})
 * @param layers         transformer blocks ({@code block_count})
 * @param heads          query heads
 * @param kvHeads        key/value heads (grouped-query attention when fewer than {@code heads})
 * @param vocab          vocabulary size
 * @param contextLength  maximum positions
 * @param normEps        RMSNorm epsilon
 * @param ropeTheta      RoPE frequency base
 * @param ropeDim        rotated dimensions per head (normally the head size)
 * @param ropeScale      linear RoPE scaling factor (1 = none): positions are divided by it
 */
public record LlamaConfig(int dim, int hiddenDim, int layers, int heads, int kvHeads, int vocab,
                          int contextLength, float normEps, float ropeTheta, int ropeDim, float ropeScale) {

    public LlamaConfig {
        if (dim <= 0 || hiddenDim <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || vocab <= 0 || contextLength <= 0) {
            throw new IllegalArgumentException("model dimensions must be positive: " + this);
        }
        if (dim % heads != 0) {
            throw new IllegalArgumentException("embedding width " + dim + " is not divisible by " + heads + " heads");
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException(heads + " heads are not divisible by " + kvHeads + " KV heads");
        }
        if (ropeDim > dim / heads || ropeDim % 2 != 0) {
            throw new IllegalArgumentException("RoPE dimension " + ropeDim + " must be even and at most the head size " + dim / heads);
        }
    }

    /** Size of one attention head. */
    public int headDim() {
        return dim / heads;
    }

    /** Width of the key and value projections. */
    public int kvDim() {
        return kvHeads * headDim();
    }

    /**
     * RoPE's inverse frequencies, llama.cpp's "normal" RoPE: the adjacent pair (2i, 2i+1) of each
     * head turns by {@code pos/ropeScale · base^(−2i/ropeDim)}. Every backend rotates by these floats.
     */
    public float[] ropeInverseFrequencies() {
        float[] f = new float[ropeDim / 2];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) Math.pow(ropeTheta, -2.0 * i / ropeDim);
        }
        return f;
    }

    /** Reads the hyper-parameters of a {@code general.architecture = llama} file. */
    public static LlamaConfig fromGguf(GgufFile f) {
        String arch = f.string("general.architecture", "(none)");
        if (!arch.equals("llama")) {
            throw new GgufFormatException(f.path().getFileName() + ": architecture '" + arch
                    + "' is not supported (only 'llama')");
        }
        int dim = (int) f.require("llama.embedding_length").asLong();
        int heads = (int) f.require("llama.attention.head_count").asLong();
        int vocab = f.metadata().containsKey("llama.vocab_size")
                ? (int) f.require("llama.vocab_size").asLong()
                : java.lang.reflect.Array.getLength(f.require("tokenizer.ggml.tokens").value());
        String scalingType = f.string("llama.rope.scaling.type", "none");
        float scale = 1f;
        if (scalingType.equals("linear")) {
            scale = (float) f.number("llama.rope.scaling.factor", 1.0);
        } else if (!scalingType.equals("none")) {
            throw new GgufFormatException(f.path().getFileName() + ": RoPE scaling '" + scalingType + "' is not supported (none, linear)");
        }
        return new LlamaConfig(
                dim,
                (int) f.require("llama.feed_forward_length").asLong(),
                (int) f.require("llama.block_count").asLong(),
                heads,
                (int) f.integer("llama.attention.head_count_kv", heads),
                vocab,
                (int) f.require("llama.context_length").asLong(),
                (float) f.number("llama.attention.layer_norm_rms_epsilon", 1e-5),
                (float) f.number("llama.rope.freq_base", 10000.0),
                (int) f.integer("llama.rope.dimension_count", dim / heads),
                scale);
    }
}
