package dev.gauntlet.engine.tokenizer;

/**
 * Text to token ids and back, as defined by a model's GGUF vocabulary.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface Tokenizer {

    /**
     * Encodes text.
     *
     * @param text         any UTF-8 text
     * @param addBos       prepend the BOS token (llama.cpp's {@code add_special}), when the vocabulary asks for it
     * @param parseSpecial match special-token text such as {@code <s>} inside {@code text} as that token
     */
    int[] encode(String text, boolean addBos, boolean parseSpecial);

    /** The raw bytes a token stands for (special tokens: their text), for incremental decoding. */
    byte[] tokenBytes(int id);

    /** Concatenates the tokens' bytes and decodes them as UTF-8 (invalid sequences become U+FFFD). */
    String decode(int[] ids);

    /** The vocabulary's piece string for an id, as stored in the GGUF. */
    String piece(int id);

    /** The id whose stored piece is exactly {@code piece} (e.g. {@code "<|eot_id|>"}), or -1. */
    int idOf(String piece);

    /** Vocabulary size. */
    int vocabSize();

    /** Beginning-of-sequence id, or -1. */
    int bos();

    /** End-of-sequence id, or -1. */
    int eos();

    /** Whether generation stops at this token (EOS, end-of-turn and similar control tokens). */
    boolean isEndOfGeneration(int id);
}
