package dev.gauntlet.engine.gguf;

/**
 * Tensor element types the engine understands, with llama.cpp's numeric ids and block layouts.
 *
 * <p>Quantized types store elements in blocks: {@link #blockSize()} elements take
 * {@link #blockBytes()} bytes. Q8_0 is an fp16 scale followed by 32 signed bytes; Q4_0 is an
 * fp16 scale followed by 16 bytes whose low nibbles hold elements 0..15 and high nibbles
 * elements 16..31, each stored with an offset of 8.
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q8_0(8, 32, 34),
    BF16(30, 1, 2);

    private final int id;
    private final int blockSize;
    private final int blockBytes;

    GgmlType(int id, int blockSize, int blockBytes) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    /** The id written in GGUF tensor infos. */
    public int id() {
        return id;
    }

    /** Elements per block (1 for plain float types). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int blockBytes() {
        return blockBytes;
    }

    /** Whether this is a block-quantized type. */
    public boolean quantized() {
        return blockSize > 1;
    }

    /**
     * Bytes needed for {@code elements} elements.
     *
     * @throws IllegalArgumentException if {@code elements} is not a whole number of blocks
     */
    public long bytesFor(long elements) {
        if (elements % blockSize != 0) {
            throw new IllegalArgumentException(
                    this + " needs a multiple of " + blockSize + " elements, got " + elements);
        }
        return elements / blockSize * blockBytes;
    }

    /** Looks a type up by GGUF id; names llama.cpp's other types in the error. */
    public static GgmlType fromId(int id) {
        for (GgmlType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        throw new UnsupportedTensorTypeException(id);
    }

    /** Parses a user-facing name such as {@code q8_0} or {@code F16}. */
    public static GgmlType parse(String name) {
        for (GgmlType t : values()) {
            if (t.name().equalsIgnoreCase(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown tensor type '" + name + "' (expected f32, f16, bf16, q8_0 or q4_0)");
    }

    /** Thrown for a tensor type id that exists in llama.cpp but that this engine does not implement. */
    public static final class UnsupportedTensorTypeException extends GgufFormatException {
        private static final String[] LLAMA_CPP_NAMES = {
            "F32", "F16", "Q4_0", "Q4_1", "Q4_2", "Q4_3", "Q5_0", "Q5_1", "Q8_0", "Q8_1",
            "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS",
            "IQ1_S", "IQ4_NL", "IQ3_S", "IQ2_S", "IQ4_XS", "I8", "I16", "I32", "I64", "F64",
            "IQ1_M", "BF16", "Q4_0_4_4", "Q4_0_4_8", "Q4_0_8_8", "TQ1_0", "TQ2_0"
        };

        UnsupportedTensorTypeException(int id) {
            super("unsupported tensor type " + describe(id) + " (supported: F32, F16, BF16, Q8_0, Q4_0)");
        }

        private static String describe(int id) {
            return id >= 0 && id < LLAMA_CPP_NAMES.length ? LLAMA_CPP_NAMES[id] + " (id " + id + ")" : "id " + id;
        }
    }
}
