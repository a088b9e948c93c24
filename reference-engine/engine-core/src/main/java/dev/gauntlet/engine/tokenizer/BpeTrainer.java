package dev.gauntlet.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Learns a byte-level BPE vocabulary from text, in the Llama-3 layout: ids 0 to 255 are the bytes
 * in {@link ByteLevelAlphabet} order, then one piece per learned merge, then the special tokens,
 * then {@code <|reserved_N|>} padding (UNUSED) when the text yields too few merges to reach the
 * requested size.
 *
 * <p>The text is split with the {@link PreTokenizer#LLAMA3} pattern and pre-token frequencies are
 * counted once; merges then run on the table of distinct pre-tokens. After each merge only the
 * pre-tokens that contained the merged pair are rewritten, and pair counts are updated by the
 * difference, so the cost follows the text that changes rather than the whole corpus. A merge is
 * learned only while its pair occurs at least {@link #MIN_PAIR_COUNT} times. Ties between equally
 * frequent pairs go to the smaller (left id, right id), so training is deterministic.
 */
public final class BpeTrainer {
    /** A pair seen fewer times than this is not worth a token. */
    public static final int MIN_PAIR_COUNT = 2;

    /**
     * The special tokens to append, in id order, and which of them are BOS, EOS and end-of-turn.
     *
     * @param tokens the special tokens' texts, distinct
     * @param bos    BOS text (one of {@code tokens})
     * @param eos    EOS text (one of {@code tokens})
     * @param eot    end-of-turn text (one of {@code tokens}), or null
     */
    public record SpecialTokens(List<String> tokens, String bos, String eos, String eot) {

        /** Checks that BOS, EOS and EOT are among the distinct tokens. */
        public SpecialTokens {
            tokens = List.copyOf(tokens);
            if (new HashSet<>(tokens).size() != tokens.size()) {
                throw new IllegalArgumentException("special tokens repeat: " + tokens);
            }
            if (!tokens.contains(bos) || !tokens.contains(eos) || (eot != null && !tokens.contains(eot))) {
                throw new IllegalArgumentException("BOS, EOS and EOT must be among the special tokens " + tokens);
            }
        }

        /** Llama-3's: begin/end of text, chat header markers and end of turn. */
        public static SpecialTokens llama3() {
            return new SpecialTokens(List.of("<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>",
                    "<|end_header_id|>", "<|eot_id|>"), "<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>");
        }
    }

    private BpeTrainer() {
    }

    /**
     * Learns a vocabulary of exactly {@code vocabSize} tokens.
     *
     * @throws IllegalArgumentException if {@code vocabSize} cannot hold the 256 bytes and the specials
     */
    public static BpeVocabulary train(CharSequence corpus, int vocabSize, SpecialTokens specials) {
        int learnable = vocabSize - 256 - specials.tokens().size();
        if (learnable < 0) {
            throw new IllegalArgumentException("vocabulary size " + vocabSize + " cannot hold 256 bytes and "
                    + specials.tokens().size() + " special tokens");
        }
        List<String> tokens = new ArrayList<>(vocabSize);
        Map<String, Integer> ids = new HashMap<>();
        int[] idOfByte = new int[256];
        for (int i = 0; i < 256; i++) {
            int b = ByteLevelAlphabet.byteAt(i);
            idOfByte[b] = i;
            tokens.add(String.valueOf(ByteLevelAlphabet.charOf(b)));
            ids.put(tokens.get(i), i);
        }
        List<String> merges = new Merger(corpus, idOfByte).run(tokens, ids, 256 + learnable);
        List<TokenType> types = new ArrayList<>(Collections.nCopies(tokens.size(), TokenType.NORMAL));
        for (String s : specials.tokens()) {
            ids.put(s, tokens.size());
            tokens.add(s);
            types.add(TokenType.CONTROL);
        }
        for (int n = 0; tokens.size() < vocabSize; n++) {
            String reserved = "<|reserved_" + n + "|>";
            if (!ids.containsKey(reserved)) {
                ids.put(reserved, tokens.size());
                tokens.add(reserved);
                // UNUSED, not CONTROL: a 128k vocabulary padded with control tokens would make
                // every encode scan them all for special-token text.
                types.add(TokenType.UNUSED);
            }
        }
        int eot = specials.eot() == null ? -1 : ids.get(specials.eot());
        return new BpeVocabulary(tokens, types, merges, ids.get(specials.bos()), ids.get(specials.eos()), eot);
    }

    /** The merge loop over the table of distinct pre-tokens. */
    private static final class Merger {
        private final int[][] words;
        private final long[] freq;
        private final Map<Long, Long> pairCounts = new HashMap<>();
        /** Words that contained a pair when it was counted (a superset: rewritten words are not removed). */
        private final Map<Long, IntBag> pairWords = new HashMap<>();
        private final PriorityQueue<long[]> queue = new PriorityQueue<>((x, y) -> x[0] != y[0]
                ? Long.compare(y[0], x[0]) : Long.compare(x[1], y[1]));

        Merger(CharSequence corpus, int[] idOfByte) {
            Map<String, long[]> counts = new HashMap<>();
            for (String w : PreTokenizer.LLAMA3.split(corpus.toString())) {
                counts.computeIfAbsent(w, k -> new long[1])[0]++;
            }
            words = new int[counts.size()][];
            freq = new long[counts.size()];
            int i = 0;
            for (Map.Entry<String, long[]> e : counts.entrySet()) {
                byte[] b = e.getKey().getBytes(StandardCharsets.UTF_8);
                int[] syms = new int[b.length];
                for (int j = 0; j < b.length; j++) {
                    syms[j] = idOfByte[b[j] & 0xFF];
                }
                words[i] = syms;
                freq[i] = e.getValue()[0];
                i++;
            }
            Map<Long, Long> delta = new HashMap<>();
            for (int w = 0; w < words.length; w++) {
                countPairs(w, words[w], freq[w], delta, -1);
            }
            apply(delta);
        }

        /** Adds {@code sign * f} per adjacent pair of {@code syms} to {@code delta}; indexes pairs that hold {@code indexToken} (all when -1). */
        private void countPairs(int w, int[] syms, long f, Map<Long, Long> delta, int indexToken) {
            for (int j = 0; j + 1 < syms.length; j++) {
                long p = BytePairTokenizer.pair(syms[j], syms[j + 1]);
                delta.merge(p, f, Long::sum);
                if (f > 0 && (indexToken < 0 || syms[j] == indexToken || syms[j + 1] == indexToken)) {
                    pairWords.computeIfAbsent(p, k -> new IntBag()).add(w);
                }
            }
        }

        private void apply(Map<Long, Long> delta) {
            for (Map.Entry<Long, Long> e : delta.entrySet()) {
                long d = e.getValue();
                if (d == 0) {
                    continue;
                }
                long now = pairCounts.merge(e.getKey(), d, Long::sum);
                if (now <= 0) {
                    pairCounts.remove(e.getKey());
                    pairWords.remove(e.getKey());
                } else if (d > 0) {
                    queue.add(new long[] {now, e.getKey()});
                }
            }
        }

        /** Merges until {@code tokens} has {@code target} entries or no pair is frequent enough; returns the merges. */
        List<String> run(List<String> tokens, Map<String, Integer> ids, int target) {
            List<String> merges = new ArrayList<>();
            int[] seen = new int[words.length];
            while (tokens.size() < target && !queue.isEmpty()) {
                long[] top = queue.poll();
                long p = top[1];
                long now = pairCounts.getOrDefault(p, 0L);
                if (now != top[0]) {
                    // Stale entry. A count that grew has a newer entry already; one that shrank needs one.
                    if (now > 0 && now < top[0]) {
                        queue.add(new long[] {now, p});
                    }
                    continue;
                }
                if (now < MIN_PAIR_COUNT) {
                    break;
                }
                int a = (int) (p >>> 32);
                int b = (int) p;
                String merged = tokens.get(a) + tokens.get(b);
                // Two merge paths can spell the same piece: it keeps its first id.
                Integer existing = ids.get(merged);
                int id = existing != null ? existing : tokens.size();
                if (existing == null) {
                    tokens.add(merged);
                    ids.put(merged, id);
                }
                merges.add(tokens.get(a) + " " + tokens.get(b));
                rewrite(pairWords.remove(p), a, b, id, seen, merges.size());
            }
            return merges;
        }

        private void rewrite(IntBag affected, int a, int b, int id, int[] seen, int stamp) {
            Map<Long, Long> delta = new HashMap<>();
            for (int k = 0; k < affected.size; k++) {
                int w = affected.items[k];
                if (seen[w] == stamp) {
                    continue;
                }
                seen[w] = stamp;
                int[] old = words[w];
                int[] out = new int[old.length];
                int n = 0;
                for (int j = 0; j < old.length; j++) {
                    if (j + 1 < old.length && old[j] == a && old[j + 1] == b) {
                        out[n++] = id;
                        j++;
                    } else {
                        out[n++] = old[j];
                    }
                }
                if (n == old.length) {
                    continue; // the word no longer holds the pair
                }
                int[] syms = Arrays.copyOf(out, n);
                countPairs(w, old, -freq[w], delta, -1);
                countPairs(w, syms, freq[w], delta, id);
                words[w] = syms;
            }
            apply(delta);
        }
    }

    /** A growable list of ints. */
    private static final class IntBag {
        int[] items = new int[4];
        int size;

        void add(int v) {
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            items[size++] = v;
        }
    }
}
