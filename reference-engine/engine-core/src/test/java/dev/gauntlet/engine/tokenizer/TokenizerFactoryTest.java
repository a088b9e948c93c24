package dev.gauntlet.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.engine.gguf.GgufFormatException;
import dev.gauntlet.engine.gguf.GgufValue;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How {@link Tokenizers} reads metadata, and the special-token rules it sets up. */
class TokenizerFactoryTest {

    private static Map<String, GgufValue> with(Map<String, GgufValue> base, String key, GgufValue value) {
        Map<String, GgufValue> m = new LinkedHashMap<>(base);
        if (value == null) {
            m.remove(key);
        } else {
            m.put(key, value);
        }
        return m;
    }

    @Test
    void unknownModelIsRejectedByName() {
        var m = with(TokenizerFixtures.spmMetadata(), "tokenizer.ggml.model", GgufValue.ofString("t5"));
        var e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.fromMetadata(m, "x.gguf"));
        assertTrue(e.getMessage().contains("\"t5\""), e.getMessage());
    }

    @Test
    void unsupportedPreTokenizerIsRejectedByName() {
        var m = with(TokenizerFixtures.trained().metadata(), "tokenizer.ggml.pre", GgufValue.ofString("qwen2"));
        var e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.fromMetadata(m, "x.gguf"));
        assertTrue(e.getMessage().contains("qwen2"), e.getMessage());
    }

    @Test
    void missingTokensOrMismatchedTypesAreFormatErrors() {
        assertThrows(GgufFormatException.class, () -> Tokenizers.fromMetadata(
                with(TokenizerFixtures.spmMetadata(), "tokenizer.ggml.tokens", null), "x.gguf"));
        assertThrows(GgufFormatException.class, () -> Tokenizers.fromMetadata(
                with(TokenizerFixtures.spmMetadata(), "tokenizer.ggml.token_type", GgufValue.ofInts(new int[] {1})), "x.gguf"));
        assertThrows(GgufFormatException.class, () -> Tokenizers.fromMetadata(
                with(TokenizerFixtures.spmMetadata(), "tokenizer.ggml.bos_token_id", GgufValue.ofUint32(99_999)), "x.gguf"));
    }

    @Test
    void modelChoosesTheImplementation() {
        assertInstanceOf(SentencePieceTokenizer.class, TokenizerFixtures.spm());
        Tokenizer bpe = TokenizerFixtures.trained().tokenizer();
        assertInstanceOf(BytePairTokenizer.class, bpe);
        assertEquals(PreTokenizer.LLAMA3, ((BytePairTokenizer) bpe).preTokenizer());
        var gpt2 = with(TokenizerFixtures.trained().metadata(), "tokenizer.ggml.pre", null);
        assertEquals(PreTokenizer.GPT2, ((BytePairTokenizer) Tokenizers.fromMetadata(gpt2, "x")).preTokenizer());
    }

    @Test
    void controlTokensNeedParseSpecialButUserDefinedAlwaysSplit() {
        Tokenizer tok = TokenizerFixtures.spm();
        int user = tok.idOf("<user>");
        // After a special token SentencePiece adds the space prefix again.
        assertArrayEquals(new int[] {1, tok.idOf("\u2581a"), user, tok.idOf("\u2581a")}, tok.encode("<s>a<user>a", false, true));
        int[] plain = tok.encode("<s>a<user>a", false, false);
        assertFalse(Arrays.stream(plain).anyMatch(id -> id == 1));
        assertTrue(Arrays.stream(plain).anyMatch(id -> id == user));
        assertEquals(" <s>a<user> a", tok.decode(plain));
    }

    @Test
    void bosFollowsAddBosToken() {
        assertArrayEquals(new int[] {1, TokenizerFixtures.spm().idOf("\u2581a")}, TokenizerFixtures.spm().encode("a", true, true));
        var noBos = with(TokenizerFixtures.spmMetadata(), "tokenizer.ggml.add_bos_token", GgufValue.ofBool(false));
        Tokenizer tok = Tokenizers.fromMetadata(noBos, "x");
        assertArrayEquals(new int[] {tok.idOf("\u2581a")}, tok.encode("a", true, true));
        assertArrayEquals(new int[0], tok.encode("", false, true));
    }

    @Test
    void endOfGenerationCoversEosAndEot() {
        BpeVocabulary v = TokenizerFixtures.trained();
        Tokenizer tok = v.tokenizer();
        assertTrue(tok.isEndOfGeneration(v.eos()));
        assertTrue(tok.isEndOfGeneration(v.eot()));
        assertFalse(tok.isEndOfGeneration(v.bos()));
        assertFalse(tok.isEndOfGeneration(tok.idOf("<|start_header_id|>")));
        assertEquals(v.bos(), tok.bos());
        assertEquals(v.eos(), tok.eos());
    }
}
