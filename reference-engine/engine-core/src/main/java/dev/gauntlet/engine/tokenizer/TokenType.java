package dev.gauntlet.engine.tokenizer;

/** The kind of a vocabulary entry, with llama.cpp's {@code tokenizer.ggml.token_type} ids. */
public enum TokenType {
    /** An ordinary text piece. */
    NORMAL(1),
    /** The unknown-token placeholder, e.g. {@code <unk>}. */
    UNKNOWN(2),
    /** A control token such as BOS, EOS or a chat header marker. */
    CONTROL(3),
    /** A token added by the model's authors; its text is always split out before tokenization. */
    USER_DEFINED(4),
    /** A reserved slot that no text maps to. */
    UNUSED(5),
    /** A single raw byte, written {@code <0xNN>}. */
    BYTE(6);

    private final int id;

    TokenType(int id) {
        this.id = id;
    }

    /** The GGUF id of this type. */
    public int id() {
        return id;
    }

    /**
     * The type with a GGUF id.
     *
     * @throws IllegalArgumentException for an id outside 1 to 6
     */
    public static TokenType fromId(int id) {
        for (TokenType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown token type " + id);
    }
}
