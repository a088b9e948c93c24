package dev.gauntlet.engine.synth;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.gguf.GgufValue;
import dev.gauntlet.engine.gguf.GgufWriter;
import dev.gauntlet.engine.kernel.Parallel;
import dev.gauntlet.engine.tokenizer.BpeTrainer;
import dev.gauntlet.engine.tokenizer.BpeVocabulary;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Writes a valid Llama GGUF with seeded random weights and a real byte-level BPE tokenizer
 * learned from the bundled Genesis text (with Llama-3 special tokens, so chat templates work),
 * for tests and benchmarks.
 *
 * <p>Weights are N(0, 1/cols) so activations keep a sane scale through any depth; norm weights are
 * 1 + 0.1·N(0,1). The same shape, type and seed always give the same file.
 */
public final class SyntheticModel {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int ROWS_PER_TASK = 64;
    /** The RMSNorm epsilon synthetic files declare. */
    static final float NORM_EPS = 1e-5f;

    private SyntheticModel() {
    }

    /**
     * Writes a synthetic model.
     *
     * @param type F32 or F16 for the matrices (norms are always F32); lower precisions come from {@code --quant} at load
     */
    public static void write(ModelShape shape, GgmlType type, long seed, Path out) throws IOException {
        if (type != GgmlType.F32 && type != GgmlType.F16) {
            throw new IllegalArgumentException("--dtype must be f32 or f16 (quantize at load with --quant), got " + type);
        }
        BpeVocabulary vocab = BpeTrainer.train(bundledText(), shape.vocab(), BpeTrainer.SpecialTokens.llama3());
        int kvDim = shape.dim() / shape.heads() * shape.kvHeads();
        GgufWriter w = new GgufWriter()
                .put("general.architecture", GgufValue.ofString("llama"))
                .put("general.name", GgufValue.ofString("gauntlet-synthetic-" + shape.name()))
                .put("general.file_type", GgufValue.ofUint32(type == GgmlType.F32 ? 0 : 1))
                .put("gauntlet.synthetic.seed", new GgufValue(dev.gauntlet.engine.gguf.GgufValueType.UINT64, null, seed))
                .put("llama.context_length", GgufValue.ofUint32(shape.contextLength()))
                .put("llama.embedding_length", GgufValue.ofUint32(shape.dim()))
                .put("llama.block_count", GgufValue.ofUint32(shape.layers()))
                .put("llama.feed_forward_length", GgufValue.ofUint32(shape.ffn()))
                .put("llama.attention.head_count", GgufValue.ofUint32(shape.heads()))
                .put("llama.attention.head_count_kv", GgufValue.ofUint32(shape.kvHeads()))
                .put("llama.rope.freq_base", GgufValue.ofFloat32(shape.ropeTheta()))
                .put("llama.rope.dimension_count", GgufValue.ofUint32(shape.dim() / shape.heads()))
                .put("llama.attention.layer_norm_rms_epsilon", GgufValue.ofFloat32(NORM_EPS))
                .put("llama.vocab_size", GgufValue.ofUint32(shape.vocab()));
        vocab.writeTo(w);
        long tensorSeed = seed;
        matrix(w, "token_embd.weight", shape.vocab(), shape.dim(), type, tensorSeed++, 1.0);
        for (int l = 0; l < shape.layers(); l++) {
            String p = "blk." + l + ".";
            norm(w, p + "attn_norm.weight", shape.dim(), tensorSeed++);
            matrix(w, p + "attn_q.weight", shape.dim(), shape.dim(), type, tensorSeed++, 0);
            matrix(w, p + "attn_k.weight", kvDim, shape.dim(), type, tensorSeed++, 0);
            matrix(w, p + "attn_v.weight", kvDim, shape.dim(), type, tensorSeed++, 0);
            matrix(w, p + "attn_output.weight", shape.dim(), shape.dim(), type, tensorSeed++, 0);
            norm(w, p + "ffn_norm.weight", shape.dim(), tensorSeed++);
            matrix(w, p + "ffn_gate.weight", shape.ffn(), shape.dim(), type, tensorSeed++, 0);
            matrix(w, p + "ffn_up.weight", shape.ffn(), shape.dim(), type, tensorSeed++, 0);
            matrix(w, p + "ffn_down.weight", shape.dim(), shape.ffn(), type, tensorSeed++, 0);
        }
        norm(w, "output_norm.weight", shape.dim(), tensorSeed++);
        if (!shape.tiedEmbeddings()) {
            matrix(w, "output.weight", shape.vocab(), shape.dim(), type, tensorSeed, 0);
        }
        w.write(out);
    }

    /** The bundled training text for synthetic tokenizers (Genesis, King James Version, public domain). */
    public static String bundledText() throws IOException {
        try (InputStream in = SyntheticModel.class.getResourceAsStream("genesis-kjv.txt")) {
            if (in == null) {
                throw new IOException("bundled text genesis-kjv.txt is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A {@code rows × cols} matrix of N(0, std²), std = {@code scale} or 1/sqrt(cols) when 0. */
    private static void matrix(GgufWriter w, String name, int rows, int cols, GgmlType type, long seed, double scale) {
        double std = scale > 0 ? scale : 1 / Math.sqrt(cols);
        w.tensor(name, type, new long[] {cols, rows}, () -> {
            MemorySegment seg = Arena.ofAuto().allocate(type.bytesFor((long) rows * cols), 64);
            int tasks = (rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
            Parallel.forRange(tasks, 1, (start, end) -> {
                for (int task = start; task < end; task++) {
                    // One generator per block of rows: the result does not depend on the thread count.
                    RandomGenerator rnd = generator(seed, task);
                    for (int r = task * ROWS_PER_TASK; r < Math.min(rows, (task + 1) * ROWS_PER_TASK); r++) {
                        for (int c = 0; c < cols; c++) {
                            float v = (float) (rnd.nextGaussian() * std);
                            long i = (long) r * cols + c;
                            if (type == GgmlType.F32) {
                                seg.set(F32, i * 4, v);
                            } else {
                                seg.set(F16, i * 2, Float.floatToFloat16(v));
                            }
                        }
                    }
                }
            });
            return seg;
        });
    }

    private static void norm(GgufWriter w, String name, int size, long seed) {
        float[] v = new float[size];
        RandomGenerator rnd = generator(seed, 0);
        for (int i = 0; i < size; i++) {
            v[i] = (float) (1 + 0.1 * rnd.nextGaussian());
        }
        w.tensor(name, new long[] {size}, v);
    }

    private static RandomGenerator generator(long seed, long stream) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed * 0x9E3779B97F4A7C15L + stream);
    }
}
