package dev.gauntlet.engine.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Splits special-token text out of raw text before the model's tokenizer sees it, as llama.cpp
 * does: special tokens are tried longest first, each over every remaining raw fragment, so a
 * longer token wins over a shorter one that overlaps it.
 *
 * <p>Control and unknown tokens are matched only when {@code parseSpecial} is set; user-defined
 * tokens are always matched (llama.cpp and Hugging Face both split them out unconditionally).
 */
final class SpecialTokenSplitter {

    /** A piece of the input: raw text ({@code token == -1}) or one special token. */
    record Fragment(String text, int token) {
        boolean isToken() {
            return token >= 0;
        }
    }

    private final Vocabulary vocab;
    private final int[] specials;

    SpecialTokenSplitter(Vocabulary vocab) {
        this.vocab = vocab;
        this.specials = IntStream.range(0, vocab.size())
                .filter(id -> isSpecial(vocab.type(id)) && !vocab.piece(id).isEmpty())
                .boxed()
                .sorted(Comparator.<Integer>comparingInt(id -> -vocab.piece(id).length()).thenComparingInt(id -> id))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    private static boolean isSpecial(TokenType t) {
        return t == TokenType.CONTROL || t == TokenType.UNKNOWN || t == TokenType.USER_DEFINED;
    }

    /** The fragments of {@code text} in order; empty text gives no fragments. */
    List<Fragment> split(String text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        if (text.isEmpty()) {
            return fragments;
        }
        fragments.add(new Fragment(text, -1));
        for (int id : specials) {
            String piece = vocab.piece(id);
            // Cheap filter: a token absent from the whole text is absent from every fragment.
            if ((!parseSpecial && vocab.type(id) != TokenType.USER_DEFINED) || !text.contains(piece)) {
                continue;
            }
            List<Fragment> next = new ArrayList<>(fragments.size() + 2);
            for (Fragment f : fragments) {
                if (f.isToken()) {
                    next.add(f);
                    continue;
                }
                int from = 0;
                for (int at = f.text.indexOf(piece); at >= 0; at = f.text.indexOf(piece, from)) {
                    if (at > from) {
                        next.add(new Fragment(f.text.substring(from, at), -1));
                    }
                    next.add(new Fragment(piece, id));
                    from = at + piece.length();
                }
                if (from < f.text.length()) {
                    next.add(from == 0 ? f : new Fragment(f.text.substring(from), -1));
                }
            }
            fragments = next;
        }
        return fragments;
    }
}
