package dev.gauntlet.engine.tokenizer;

import dev.gauntlet.engine.gguf.GgufValue;
import dev.gauntlet.engine.gguf.GgufWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A byte-level BPE vocabulary in the Llama-3 layout, as {@link BpeTrainer} makes it: the 256 byte
 * pieces in {@link ByteLevelAlphabet} order, the merged pieces, then special tokens.
 *
 * @param tokens the pieces, indexed by id (byte-level strings; special tokens as plain text)
 * @param types  one type per piece
 * @param merges the merges in rank order, each "left right" in byte-level strings
 * @param bos    BOS id
 * @param eos    EOS id
 * @param eot    end-of-turn id, or -1
 */
public record BpeVocabulary(List<String> tokens, List<TokenType> types, List<String> merges, int bos, int eos, int eot) {

    /** Copies the lists and checks that they fit together. */
    public BpeVocabulary {
        tokens = List.copyOf(tokens);
        types = List.copyOf(types);
        merges = List.copyOf(merges);
        if (types.size() != tokens.size()) {
            throw new IllegalArgumentException(tokens.size() + " tokens but " + types.size() + " types");
        }
        for (int id : new int[] {bos, eos}) {
            if (id < 0 || id >= tokens.size()) {
                throw new IllegalArgumentException("special id " + id + " outside the vocabulary of " + tokens.size());
            }
        }
        if (eot >= tokens.size()) {
            throw new IllegalArgumentException("eot id " + eot + " outside the vocabulary of " + tokens.size());
        }
    }

    /** Number of tokens. */
    public int size() {
        return tokens.size();
    }

    /**
     * The {@code tokenizer.ggml.*} metadata: model {@code gpt2}, pre {@code llama-bpe}, tokens,
     * token types, merges, BOS/EOS (and EOT) ids, {@code add_bos_token} true and
     * {@code add_eos_token} false.
     */
    public Map<String, GgufValue> metadata() {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("tokenizer.ggml.model", GgufValue.ofString("gpt2"));
        m.put("tokenizer.ggml.pre", GgufValue.ofString("llama-bpe"));
        m.put("tokenizer.ggml.tokens", GgufValue.ofStrings(tokens.toArray(String[]::new)));
        m.put("tokenizer.ggml.token_type", GgufValue.ofInts(types.stream().mapToInt(TokenType::id).toArray()));
        m.put("tokenizer.ggml.merges", GgufValue.ofStrings(merges.toArray(String[]::new)));
        m.put("tokenizer.ggml.bos_token_id", GgufValue.ofUint32(bos));
        m.put("tokenizer.ggml.eos_token_id", GgufValue.ofUint32(eos));
        if (eot >= 0) {
            m.put("tokenizer.ggml.eot_token_id", GgufValue.ofUint32(eot));
        }
        m.put("tokenizer.ggml.add_bos_token", GgufValue.ofBool(true));
        m.put("tokenizer.ggml.add_eos_token", GgufValue.ofBool(false));
        return m;
    }

    /** Puts {@link #metadata()} into a GGUF being written. */
    public GgufWriter writeTo(GgufWriter writer) {
        return writer.putAll(metadata());
    }

    /** The tokenizer this vocabulary defines (the same one a GGUF written from it yields). */
    public Tokenizer tokenizer() {
        return Tokenizers.fromMetadata(metadata(), "trained BPE vocabulary");
    }
}
