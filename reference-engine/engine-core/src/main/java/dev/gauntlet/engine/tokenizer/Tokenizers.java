package dev.gauntlet.engine.tokenizer;

import dev.gauntlet.engine.gguf.GgufFile;
import dev.gauntlet.engine.gguf.GgufFormatException;
import dev.gauntlet.engine.gguf.GgufValue;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/** Builds the {@link Tokenizer} that a GGUF file's {@code tokenizer.ggml.*} metadata describes. */
public final class Tokenizers {
    private static final String PREFIX = "tokenizer.ggml.";

    /**
     * End-of-turn control tokens recognised by name when {@code eot_token_id}/{@code eom_token_id}
     * are absent, as llama.cpp does: many converted chat models only mark EOS explicitly.
     */
    private static final List<String> END_OF_TURN_NAMES = List.of("<|eot_id|>", "<|eom_id|>", "<|im_end|>", "<end_of_turn>");

    private Tokenizers() {
    }

    /**
     * The tokenizer of a GGUF file, chosen by {@code tokenizer.ggml.model}: {@code llama} gives a
     * {@link SentencePieceTokenizer}, {@code gpt2} a {@link BytePairTokenizer}.
     *
     * @throws IllegalArgumentException for another tokenizer model or an unsupported pre-tokenizer
     * @throws GgufFormatException if required keys are missing or inconsistent
     */
    public static Tokenizer fromGguf(GgufFile file) {
        return fromMetadata(file.metadata(), file.path().getFileName().toString());
    }

    /**
     * Like {@link #fromGguf}, from metadata alone.
     *
     * @param source names the metadata's origin in error messages
     */
    public static Tokenizer fromMetadata(Map<String, GgufValue> metadata, String source) {
        Keys keys = new Keys(metadata, source);
        String model = (String) keys.require("model").value();
        String[] pieces = (String[]) keys.require("tokens").value();
        int[] typeIds = keys.ints("token_type");
        TokenType[] types = null;
        if (typeIds != null) {
            types = new TokenType[typeIds.length];
            for (int i = 0; i < typeIds.length; i++) {
                try {
                    types[i] = TokenType.fromId(typeIds[i]);
                } catch (IllegalArgumentException e) {
                    throw new GgufFormatException(source + ": token " + i + ": " + e.getMessage());
                }
            }
        }
        GgufValue scores = metadata.get(PREFIX + "scores");
        Vocabulary vocab;
        try {
            vocab = new Vocabulary(pieces, types, scores == null ? null : (float[]) scores.value());
        } catch (IllegalArgumentException e) {
            throw new GgufFormatException(source + ": " + e.getMessage());
        }
        return switch (model) {
            case "llama" -> new SentencePieceTokenizer(vocab, keys.settings(vocab, true), keys.bool("add_space_prefix", true));
            case "gpt2" -> {
                GgufValue pre = metadata.get(PREFIX + "pre");
                PreTokenizer preTokenizer = PreTokenizer.forName(pre == null ? null : (String) pre.value());
                GgufValue merges = metadata.get(PREFIX + "merges");
                // llama.cpp sets ignore_merges (and BOS by default) for the Llama-3 pre-tokenizer.
                boolean llama3 = preTokenizer == PreTokenizer.LLAMA3;
                yield new BytePairTokenizer(vocab, keys.settings(vocab, llama3),
                        merges == null ? new String[0] : (String[]) merges.value(), preTokenizer, llama3);
            }
            default -> throw new IllegalArgumentException(source + ": unsupported tokenizer model \"" + model
                    + "\" (tokenizer.ggml.model; supported: llama, gpt2)");
        };
    }

    /** Typed access to {@code tokenizer.ggml.*} keys. */
    private record Keys(Map<String, GgufValue> metadata, String source) {

        GgufValue require(String key) {
            GgufValue v = metadata.get(PREFIX + key);
            if (v == null) {
                throw new GgufFormatException(source + ": missing metadata " + PREFIX + key);
            }
            return v;
        }

        boolean bool(String key, boolean fallback) {
            GgufValue v = metadata.get(PREFIX + key);
            return v == null ? fallback : (Boolean) v.value();
        }

        /** A token id, or -1 when absent. */
        int id(String key, Vocabulary vocab) {
            GgufValue v = metadata.get(PREFIX + key);
            if (v == null) {
                return -1;
            }
            long id = v.asLong();
            if (id < 0 || id >= vocab.size()) {
                throw new GgufFormatException(source + ": " + PREFIX + key + " " + id + " is outside the vocabulary of " + vocab.size());
            }
            return (int) id;
        }

        /** An integer array of any element width, or null when absent. */
        int[] ints(String key) {
            GgufValue v = metadata.get(PREFIX + key);
            if (v == null) {
                return null;
            }
            return switch (v.value()) {
                case int[] a -> a;
                case long[] a -> Arrays.stream(a).mapToInt(Math::toIntExact).toArray();
                default -> throw new GgufFormatException(source + ": " + PREFIX + key + " is not an integer array (" + v + ")");
            };
        }

        VocabularyTokenizer.Settings settings(Vocabulary vocab, boolean addBosByDefault) {
            int bos = id("bos_token_id", vocab);
            int eos = id("eos_token_id", vocab);
            BitSet eog = new BitSet(vocab.size());
            for (int id : new int[] {eos, id("eot_token_id", vocab), id("eom_token_id", vocab)}) {
                if (id >= 0) {
                    eog.set(id);
                }
            }
            for (String name : END_OF_TURN_NAMES) {
                int id = vocab.id(name);
                if (id >= 0 && vocab.type(id) == TokenType.CONTROL) {
                    eog.set(id);
                }
            }
            return new VocabularyTokenizer.Settings(bos, eos, bool("add_bos_token", addBosByDefault), bool("add_eos_token", false), eog);
        }
    }
}
