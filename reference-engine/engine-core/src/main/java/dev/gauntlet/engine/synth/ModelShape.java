package dev.gauntlet.engine.synth;

import java.util.Locale;

/**
 * The dimensions of a synthetic Llama model.
 *
 * @param tiedEmbeddings the output head reuses the token embedding (no {@code output.weight}), as Llama 3.2 1B does
 */
public record ModelShape(String name, int layers, int dim, int ffn, int heads, int kvHeads, int vocab,
                         int contextLength, float ropeTheta, boolean tiedEmbeddings) {

    /** Two blocks of width 128: fast enough for every unit test. */
    public static final ModelShape TINY = new ModelShape("tiny", 2, 128, 384, 4, 2, 1024, 512, 10000f, false);
    /** About 23M parameters: quick load tests on 2 cores. */
    public static final ModelShape SMALL = new ModelShape("small", 6, 512, 1536, 8, 4, 4096, 1024, 10000f, false);
    /** Llama 3.2 1B's shape (context cut to 8192). */
    public static final ModelShape ONE_B = new ModelShape("1b", 16, 2048, 8192, 32, 8, 128256, 8192, 500000f, true);
    /** Llama 3 8B's shape. */
    public static final ModelShape EIGHT_B = new ModelShape("8b", 32, 4096, 14336, 32, 8, 128256, 8192, 500000f, false);

    public ModelShape {
        if (layers < 1 || dim < 1 || ffn < 1 || heads < 1 || kvHeads < 1 || vocab < 1 || contextLength < 1) {
            throw new IllegalArgumentException("every model dimension must be positive: " + this);
        }
        if (dim % heads != 0 || (dim / heads) % 2 != 0) {
            throw new IllegalArgumentException("--dim " + dim + " must split into " + heads + " heads of even size");
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("--heads " + heads + " must be a multiple of --kv-heads " + kvHeads);
        }
        if (dim % 32 != 0 || ffn % 32 != 0) {
            throw new IllegalArgumentException("--dim and --ffn must be multiples of 32 (quantization blocks), got "
                    + dim + " and " + ffn);
        }
    }

    /** One of {@code tiny}, {@code small}, {@code 1b}, {@code 8b}. */
    public static ModelShape named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "tiny" -> TINY;
            case "small" -> SMALL;
            case "1b" -> ONE_B;
            case "8b" -> EIGHT_B;
            default -> throw new IllegalArgumentException("unknown --shape '" + name + "' (tiny, small, 1b, 8b)");
        };
    }

    /** The hyper-parameters a synthetic file of this shape declares (RMSNorm epsilon 1e-5, full-head RoPE, no scaling). */
    public dev.gauntlet.engine.model.LlamaConfig config() {
        return new dev.gauntlet.engine.model.LlamaConfig(dim, ffn, layers, heads, kvHeads, vocab, contextLength,
                SyntheticModel.NORM_EPS, ropeTheta, dim / heads, 1f);
    }

    /** Parameters in the weight matrices and norms. */
    public long parameters() {
        long kvDim = (long) dim / heads * kvHeads;
        long perLayer = 2L * dim * dim + 2L * dim * kvDim + 3L * dim * ffn + 2L * dim;
        return layers * perLayer + (tiedEmbeddings ? 1 : 2) * (long) vocab * dim + dim;
    }
}
