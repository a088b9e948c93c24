package dev.gauntlet.engine.tokenizer;

import dev.gauntlet.engine.gguf.GgufValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Vocabularies that need no files: a trained byte-level BPE one and a hand-made SentencePiece one. */
final class TokenizerFixtures {
    /** Text to train on: varied English with punctuation, digits, newlines and a few non-ASCII words. */
    static final String CORPUS;

    static {
        String[] sentences = {
            "The quick brown fox jumps over the lazy dog.",
            "In the beginning the engine read the file, and the file was good.",
            "Tokenizers turn text into numbers; numbers turn back into text!",
            "She said: \"don't stop\", and they'll keep going until 10:30pm.",
            "Caf\u00e9 cr\u00e8me costs $4.50 (20% off) on Monday, 12 March 2024.",
            "Stra\u00dfe, na\u00efve, r\u00e9sum\u00e9 \u2014 and \u4e2d\u6587 too.",
            "Models predict the next token, then the next, and the next.",
        };
        // Made-up words from common syllables give many distinct pre-tokens, hence many merges.
        String[] syllables = {"an", "ber", "co", "di", "en", "fa", "ger", "ho", "in", "ka", "lo", "men",
            "no", "or", "pre", "qu", "ra", "st", "ti", "un", "ve", "wi", "th", "ing"};
        Random r = new Random(7);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 600; i++) {
            sb.append(sentences[r.nextInt(sentences.length)]).append(' ');
            for (int w = r.nextInt(8); w > 0; w--) {
                for (int s = 1 + r.nextInt(3); s > 0; s--) {
                    sb.append(syllables[r.nextInt(syllables.length)]);
                }
                sb.append(w > 1 ? " " : ".");
            }
            sb.append(r.nextInt(5) == 0 ? "\n\n" : " ");
        }
        CORPUS = sb.toString();
    }

    private static BpeVocabulary trained;

    private TokenizerFixtures() {
    }

    /** A 700-token vocabulary trained on {@link #CORPUS} with Llama-3's special tokens. */
    static synchronized BpeVocabulary trained() {
        if (trained == null) {
            trained = BpeTrainer.train(CORPUS, 700, BpeTrainer.SpecialTokens.llama3());
        }
        return trained;
    }

    /**
     * SentencePiece metadata: {@code <unk> <s> </s>}, 256 byte tokens, a few pieces over "a", "b",
     * "c" and "▁", and the user-defined token {@code <user>}.
     */
    static Map<String, GgufValue> spmMetadata() {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<Integer> types = new ArrayList<>(List.of(2, 3, 3));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            types.add(6);
        }
        for (String p : List.of("\u2581", "a", "b", "c", "ab", "\u2581a", "\u2581ab", "abc")) {
            tokens.add(p);
            types.add(1);
        }
        tokens.add("<user>");
        types.add(4);
        float[] scores = new float[tokens.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = -i;
        }
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("tokenizer.ggml.model", GgufValue.ofString("llama"));
        m.put("tokenizer.ggml.tokens", GgufValue.ofStrings(tokens.toArray(String[]::new)));
        m.put("tokenizer.ggml.token_type", GgufValue.ofInts(types.stream().mapToInt(Integer::intValue).toArray()));
        m.put("tokenizer.ggml.scores", GgufValue.ofFloats(scores));
        m.put("tokenizer.ggml.bos_token_id", GgufValue.ofUint32(1));
        m.put("tokenizer.ggml.eos_token_id", GgufValue.ofUint32(2));
        return m;
    }

    /** The tokenizer of {@link #spmMetadata()}. */
    static Tokenizer spm() {
        return Tokenizers.fromMetadata(spmMetadata(), "test SPM");
    }

    /** A random string mixing ASCII, whitespace, accents, combining marks, CJK, Cyrillic and emoji. */
    static String randomText(Random r, int maxCodePoints) {
        int[] pool = {'a', 'z', 'H', ' ', ' ', '\t', '\n', '\r', '\'', 's', '1', '9', '.', '!', '<', '|', '>',
            0xA0, 0xE9, 0x301, 0x308, 0x4E2D, 0x6587, 0x3000, 0x0436, 0x03A9, 0x200D, 0x1F600, 0x1F44D, 0x1F3FD, 0xFFFD};
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(maxCodePoints + 1);
        for (int i = 0; i < n; i++) {
            sb.appendCodePoint(r.nextInt(4) == 0 ? 0x20 + r.nextInt(0x3000) : pool[r.nextInt(pool.length)]);
        }
        return sb.toString();
    }
}
