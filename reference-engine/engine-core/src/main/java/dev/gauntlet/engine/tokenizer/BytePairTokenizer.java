package dev.gauntlet.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.stream.IntStream;

/**
 * Byte-level BPE of a {@code gpt2} GGUF vocabulary (GPT-2, Llama-3), as llama.cpp does it.
 *
 * <p>Text is split by the {@link PreTokenizer}; each pre-token's UTF-8 bytes start as byte
 * tokens (pieces in the {@link ByteLevelAlphabet}) and the adjacent pair with the lowest merge
 * rank (the index in {@code tokenizer.ggml.merges}; ties: leftmost) is merged until none is left.
 * With {@code ignoreMerges} (set for Llama-3), a pre-token that is itself a vocabulary piece is
 * emitted as that token directly.
 *
 * <p>Merges whose parts or result are not vocabulary pieces are ignored: they could never yield a
 * token. Round trip: {@code decode(encode(s, false, false))} equals {@code s} whenever the
 * vocabulary holds all 256 byte pieces.
 */
public final class BytePairTokenizer extends VocabularyTokenizer {
    private final PreTokenizer preTokenizer;
    private final boolean ignoreMerges;
    private final int[] byteTokens = new int[256];
    /** (left id, right id) packed in a long, to (rank, result id) packed in a long. */
    private final Map<Long, Long> merges;

    BytePairTokenizer(Vocabulary vocab, Settings settings, String[] mergeList, PreTokenizer preTokenizer, boolean ignoreMerges) {
        super(vocab, settings, ByteLevelAlphabet::decode);
        this.preTokenizer = preTokenizer;
        this.ignoreMerges = ignoreMerges;
        for (int b = 0; b < 256; b++) {
            byteTokens[b] = vocab.id(String.valueOf(ByteLevelAlphabet.charOf(b)));
        }
        merges = HashMap.newHashMap(mergeList.length);
        for (int rank = 0; rank < mergeList.length; rank++) {
            String m = mergeList[rank];
            int space = m.indexOf(' ', 1);
            if (space < 0) {
                throw new IllegalArgumentException("merge " + rank + " \"" + m + "\" has no space separating its parts");
            }
            int left = vocab.id(m.substring(0, space));
            int right = vocab.id(m.substring(space + 1));
            int result = vocab.id(m.substring(0, space) + m.substring(space + 1));
            if (left >= 0 && right >= 0 && result >= 0) {
                merges.putIfAbsent(pair(left, right), pair(rank, result));
            }
        }
    }

    /** Two token ids packed in a long, as hash keys for pairs. */
    static long pair(int a, int b) {
        return ((long) a << 32) | (b & 0xFFFFFFFFL);
    }

    /** The pre-tokenizer in use. */
    public PreTokenizer preTokenizer() {
        return preTokenizer;
    }

    /** A candidate merge of two adjacent symbols, valid while both still hold the ids it was made from. */
    private record Bigram(int left, int right, int rank, int leftId, int rightId, int result) {
    }

    @Override
    void encodeFragment(String text, boolean afterSpecial, IntStream.Builder out) {
        for (String word : preTokenizer.split(text)) {
            byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
            int whole = ignoreMerges ? vocab.id(ByteLevelAlphabet.encode(bytes)) : -1;
            if (whole >= 0) {
                out.add(whole);
            } else {
                mergeWord(bytes, out);
            }
        }
    }

    private void mergeWord(byte[] bytes, IntStream.Builder out) {
        int n = bytes.length;
        int[] sym = new int[n];
        int[] next = new int[n];
        int[] prev = new int[n];
        for (int i = 0; i < n; i++) {
            sym[i] = byteTokens[bytes[i] & 0xFF];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) -> a.rank != b.rank
                ? Integer.compare(a.rank, b.rank) : Integer.compare(a.left, b.left));
        for (int i = 1; i < n; i++) {
            offer(queue, sym, i - 1, i);
        }
        while (!queue.isEmpty()) {
            Bigram bg = queue.poll();
            int l = bg.left;
            int r = bg.right;
            if (next[l] != r || sym[l] != bg.leftId || sym[r] != bg.rightId) {
                continue;
            }
            sym[l] = bg.result;
            sym[r] = -1;
            next[l] = next[r];
            if (next[r] >= 0) {
                prev[next[r]] = l;
            }
            offer(queue, sym, prev[l], l);
            offer(queue, sym, l, next[l]);
        }
        for (int i = n > 0 ? 0 : -1; i >= 0; i = next[i]) {
            // A byte missing from the vocabulary is dropped, as llama.cpp does.
            if (sym[i] >= 0) {
                out.add(sym[i]);
            }
        }
    }

    private void offer(PriorityQueue<Bigram> queue, int[] sym, int left, int right) {
        if (left < 0 || right < 0 || sym[left] < 0 || sym[right] < 0) {
            return;
        }
        Long m = merges.get(pair(sym[left], sym[right]));
        if (m != null) {
            queue.add(new Bigram(left, right, (int) (m >>> 32), sym[left], sym[right], (int) (long) m));
        }
    }
}
