package dev.gauntlet.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.PriorityQueue;
import java.util.stream.IntStream;

/**
 * SentencePiece-style tokenization of a {@code llama} GGUF vocabulary, as llama.cpp does it.
 *
 * <p>Spaces become "▁" (U+2581); with {@code add_space_prefix} a space is also put before the
 * text and after every special token. Starting from single characters, the adjacent pair whose
 * concatenation is a vocabulary piece with the highest score is merged (ties: leftmost), until no
 * pair is a piece. A character that is not a piece falls back to its UTF-8 bytes as
 * {@code <0xNN>} tokens.
 *
 * <p>Round trip: because of the space prefix, {@code decode(encode(s, false, false))} is
 * {@code " " + s} for non-empty {@code s} when {@code add_space_prefix} is set, and {@code s}
 * otherwise (a user-defined token's text inside {@code s} is always split out, and gets a space
 * after it too).
 */
public final class SentencePieceTokenizer extends VocabularyTokenizer {
    private static final char SPACE_MARK = '\u2581';

    private final boolean addSpacePrefix;
    private final int[] byteTokens = new int[256];

    SentencePieceTokenizer(Vocabulary vocab, Settings settings, boolean addSpacePrefix) {
        super(vocab, settings, piece -> piece.replace(SPACE_MARK, ' ').getBytes(StandardCharsets.UTF_8));
        this.addSpacePrefix = addSpacePrefix;
        int unknown = IntStream.range(0, vocab.size()).filter(id -> vocab.type(id) == TokenType.UNKNOWN).findFirst().orElse(-1);
        for (int b = 0; b < 256; b++) {
            int id = vocab.id(String.format("<0x%02X>", b));
            byteTokens[b] = id >= 0 ? id : unknown;
        }
    }

    /** Whether a space is put before the text and after each special token. */
    public boolean addSpacePrefix() {
        return addSpacePrefix;
    }

    /** A candidate merge of two adjacent symbols; stale once either symbol has changed. */
    private record Bigram(int left, int right, float score, int length) {
    }

    @Override
    void encodeFragment(String fragment, boolean afterSpecial, IntStream.Builder out) {
        String text = (addSpacePrefix && afterSpecial ? " " + fragment : fragment).replace(' ', SPACE_MARK);
        // Symbols are spans [start, end) of text, chained as a linked list; merging empties the right one.
        int n = text.codePointCount(0, text.length());
        int[] start = new int[n];
        int[] end = new int[n];
        int[] next = new int[n];
        int[] prev = new int[n];
        for (int i = 0, at = 0; i < n; i++) {
            start[i] = at;
            at += Character.charCount(text.codePointAt(at));
            end[i] = at;
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) -> a.score != b.score
                ? Float.compare(b.score, a.score) : Integer.compare(a.left, b.left));
        for (int i = 1; i < n; i++) {
            offer(queue, text, start, end, i - 1, i);
        }
        while (!queue.isEmpty()) {
            Bigram bg = queue.poll();
            int l = bg.left;
            int r = bg.right;
            if (start[l] == end[l] || start[r] == end[r] || next[l] != r || end[r] - start[l] != bg.length) {
                continue;
            }
            end[l] = end[r];
            start[r] = end[r];
            next[l] = next[r];
            if (next[r] >= 0) {
                prev[next[r]] = l;
            }
            offer(queue, text, start, end, prev[l], l);
            offer(queue, text, start, end, l, next[l]);
        }
        for (int i = n > 0 ? 0 : -1; i >= 0; i = next[i]) {
            String piece = text.substring(start[i], end[i]);
            int id = vocab.id(piece);
            if (id >= 0) {
                out.add(id);
            } else {
                for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
                    if (byteTokens[b & 0xFF] >= 0) {
                        out.add(byteTokens[b & 0xFF]);
                    }
                }
            }
        }
    }

    private void offer(PriorityQueue<Bigram> queue, String text, int[] start, int[] end, int left, int right) {
        if (left < 0 || right < 0) {
            return;
        }
        int id = vocab.id(text.substring(start[left], end[right]));
        if (id >= 0) {
            queue.add(new Bigram(left, right, vocab.score(id), end[right] - start[left]));
        }
    }
}
