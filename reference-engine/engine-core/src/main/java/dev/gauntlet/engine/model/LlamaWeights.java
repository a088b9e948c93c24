package dev.gauntlet.engine.model;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.gguf.GgufFile;
import dev.gauntlet.engine.gguf.GgufTensor;
import dev.gauntlet.engine.tensor.Quantizer;
import dev.gauntlet.engine.tensor.WeightMatrix;
import dev.gauntlet.engine.tensor.WeightMatrices;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The weights of a Llama model, matrices in their stored type (or converted at load), norm
 * vectors as float arrays.
 *
 * @param tokenEmbedding {@code vocab × dim}
 * @param layers         the transformer blocks
 * @param outputNorm     final RMSNorm weight
 * @param output         {@code vocab × dim} output head (the embedding when the file ties them)
 */
public record LlamaWeights(WeightMatrix tokenEmbedding, Layer[] layers, float[] outputNorm, WeightMatrix output) {

    /**
     * One transformer block: attention projections {@code wq, wk, wv, wo} and the SwiGLU
     * feed-forward {@code down(silu(gate(x)) * up(x))}.
     */
    public record Layer(float[] attnNorm, WeightMatrix wq, WeightMatrix wk, WeightMatrix wv, WeightMatrix wo,
                        float[] ffnNorm, WeightMatrix gate, WeightMatrix up, WeightMatrix down) {
        /** The layer's matrices, in the order a forward pass multiplies by them. */
        public List<WeightMatrix> matrices() {
            return List.of(wq, wk, wv, wo, gate, up, down);
        }
    }

    /**
     * Reads the weights of {@code file}, checking every shape against {@code config}.
     *
     * @param quant when present, every matrix is converted to this type at load (norms stay F32)
     */
    public static LlamaWeights load(GgufFile file, LlamaConfig config, Optional<GgmlType> quant) {
        int dim = config.dim();
        int kv = config.kvDim();
        int ffn = config.hiddenDim();
        Layer[] layers = new Layer[config.layers()];
        for (int l = 0; l < layers.length; l++) {
            String p = "blk." + l + ".";
            layers[l] = new Layer(
                    vector(file, p + "attn_norm.weight", dim),
                    matrix(file, p + "attn_q.weight", dim, dim, quant),
                    matrix(file, p + "attn_k.weight", kv, dim, quant),
                    matrix(file, p + "attn_v.weight", kv, dim, quant),
                    matrix(file, p + "attn_output.weight", dim, dim, quant),
                    vector(file, p + "ffn_norm.weight", dim),
                    matrix(file, p + "ffn_gate.weight", ffn, dim, quant),
                    matrix(file, p + "ffn_up.weight", ffn, dim, quant),
                    matrix(file, p + "ffn_down.weight", dim, ffn, quant));
        }
        WeightMatrix embedding = matrix(file, "token_embd.weight", config.vocab(), dim, quant);
        WeightMatrix output = file.tensors().containsKey("output.weight")
                ? matrix(file, "output.weight", config.vocab(), dim, quant)
                : embedding;
        return new LlamaWeights(embedding, layers, vector(file, "output_norm.weight", dim), output);
    }

    /** {@link WeightMatrix#prepareMatmul} for every matrix a forward pass multiplies by. */
    public void prepareMatmuls() {
        stepMatrices().forEach(WeightMatrix::prepareMatmul);
    }

    /** Bytes of weights read by one decode step (every matrix once; the embedding only one row). */
    public long bytesPerStep() {
        return stepMatrices().mapToLong(WeightMatrix::byteSize).sum();
    }

    /**
     * Multiply-adds of the matrices for one token (every weight of every matrix once): a step of
     * {@code b} tokens does {@code b} times as many, besides attention's, which grow with context.
     */
    public long multiplyAddsPerToken() {
        return stepMatrices().mapToLong(m -> (long) m.rows() * m.cols()).sum();
    }

    /** Every matrix a decode step reads: each layer's, then the output head. */
    private Stream<WeightMatrix> stepMatrices() {
        return Stream.concat(Arrays.stream(layers).flatMap(l -> l.matrices().stream()), Stream.of(output));
    }

    /** Bytes every weight takes in memory: all matrices (a tied output head once) and the norm vectors. */
    public long totalBytes() {
        long bytes = tokenEmbedding.byteSize() + (output == tokenEmbedding ? 0 : output.byteSize())
                + (long) outputNorm.length * Float.BYTES;
        for (Layer l : layers) {
            bytes += matrixBytes(l) + (long) (l.attnNorm.length + l.ffnNorm.length) * Float.BYTES;
        }
        return bytes;
    }

    private static long matrixBytes(Layer l) {
        return l.matrices().stream().mapToLong(WeightMatrix::byteSize).sum();
    }

    /** The type most matrices are stored in (the attention query projection's). */
    public GgmlType matrixType() {
        return layers[0].wq.type();
    }

    private static WeightMatrix matrix(GgufFile file, String name, int rows, int cols, Optional<GgmlType> quant) {
        GgufTensor t = file.tensor(name);
        if (t.dims().length != 2 || t.cols() != cols || t.rows() != rows) {
            throw new dev.gauntlet.engine.gguf.GgufFormatException(file.path().getFileName() + ": tensor " + t
                    + " does not have the expected shape [" + cols + ", " + rows + "]");
        }
        WeightMatrix m = WeightMatrices.of(t);
        return quant.isPresent() && quant.get() != m.type() ? Quantizer.quantize(m, quant.get()) : m;
    }

    private static float[] vector(GgufFile file, String name, int size) {
        GgufTensor t = file.tensor(name);
        if (t.elements() != size) {
            throw new dev.gauntlet.engine.gguf.GgufFormatException(file.path().getFileName() + ": tensor " + t
                    + " should have " + size + " elements");
        }
        float[] v = new float[size];
        WeightMatrices.of(t).readRow(0, v, 0);
        return v;
    }
}
