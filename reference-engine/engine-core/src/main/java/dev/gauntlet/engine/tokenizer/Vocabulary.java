package dev.gauntlet.engine.tokenizer;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The token table of a GGUF vocabulary: each id's piece (as stored), type and score, and lookup
 * of an id by its piece. Immutable.
 */
public final class Vocabulary {
    private final String[] pieces;
    private final TokenType[] types;
    private final float[] scores;
    private final Map<String, Integer> ids;

    /**
     * @param pieces the pieces, indexed by id
     * @param types  one type per piece, or {@code null} for all {@link TokenType#NORMAL}
     * @param scores one score per piece, or {@code null} for all zero
     * @throws IllegalArgumentException if the arrays' lengths differ
     */
    public Vocabulary(String[] pieces, TokenType[] types, float[] scores) {
        this.pieces = pieces.clone();
        this.types = types == null ? filled(pieces.length) : types.clone();
        this.scores = scores == null ? new float[pieces.length] : scores.clone();
        if (this.types.length != pieces.length || this.scores.length != pieces.length) {
            throw new IllegalArgumentException(pieces.length + " tokens but " + this.types.length
                    + " token types and " + this.scores.length + " scores");
        }
        ids = HashMap.newHashMap(pieces.length);
        for (int i = 0; i < pieces.length; i++) {
            // A later duplicate wins, as in llama.cpp's token_to_id map.
            ids.put(Objects.requireNonNull(pieces[i], "piece " + i), i);
        }
    }

    private static TokenType[] filled(int n) {
        TokenType[] t = new TokenType[n];
        Arrays.fill(t, TokenType.NORMAL);
        return t;
    }

    /** Number of tokens. */
    public int size() {
        return pieces.length;
    }

    /** The piece of an id, exactly as stored. */
    public String piece(int id) {
        return pieces[Objects.checkIndex(id, pieces.length)];
    }

    /** The type of an id. */
    public TokenType type(int id) {
        return types[Objects.checkIndex(id, types.length)];
    }

    /** The score of an id (SentencePiece merge priority; zero when the vocabulary has none). */
    public float score(int id) {
        return scores[Objects.checkIndex(id, scores.length)];
    }

    /** The id whose piece is exactly {@code piece}, or -1. */
    public int id(String piece) {
        Integer id = ids.get(piece);
        return id == null ? -1 : id;
    }
}
