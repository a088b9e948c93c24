package dev.gauntlet.engine.cuda.kernels;

import dev.gauntlet.engine.gguf.GgmlType;

/**
 * How matrix-product inputs are rounded before they meet a weight type, as the CPU backend
 * rounds them: to Q8_0 blocks for Q8_0 and Q4_0 weights, to fp16 for F16 weights.
 */
public enum ActivationFormat {
    /** int8 values and one float scale (an fp16 value) per 32. */
    Q8_0("q8_0", 1),
    /** fp16 values. */
    F16("f16", 2);

    private final String suffix;
    private final int valueBytes;

    ActivationFormat(String suffix, int valueBytes) {
        this.suffix = suffix;
        this.valueBytes = valueBytes;
    }

    /** The format {@code weights}' matrix kernel reads. */
    public static ActivationFormat forWeights(GgmlType weights) {
        return switch (weights) {
            case Q8_0, Q4_0 -> Q8_0;
            case F16 -> F16;
            default -> throw new IllegalArgumentException("the CUDA backend runs F16, Q8_0 and Q4_0 matrices, not "
                    + weights + " (load with --quant f16, q8_0 or q4_0)");
        };
    }

    /** The suffix of this format's kernels ({@code rmsnorm_q8_0}, ...). */
    public String suffix() {
        return suffix;
    }

    /** Bytes per value, not counting Q8_0's scales. */
    public int valueBytes() {
        return valueBytes;
    }
}
