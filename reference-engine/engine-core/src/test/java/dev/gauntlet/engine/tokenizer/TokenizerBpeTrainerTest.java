package dev.gauntlet.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.engine.gguf.GgufFile;
import dev.gauntlet.engine.gguf.GgufWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerBpeTrainerTest {

    @Test
    void layoutIsBytesThenMergesThenSpecials() {
        BpeVocabulary v = TokenizerFixtures.trained();
        assertEquals(700, v.size());
        assertEquals("!", v.tokens().get(0));
        assertEquals("\u0120", v.tokens().get(220)); // the space byte, as in GPT-2 and Llama-3
        List<String> specials = BpeTrainer.SpecialTokens.llama3().tokens();
        assertEquals(specials, v.tokens().subList(695, 700));
        assertEquals(v.tokens().indexOf("<|begin_of_text|>"), v.bos());
        assertEquals(v.tokens().indexOf("<|end_of_text|>"), v.eos());
        assertEquals(v.tokens().indexOf("<|eot_id|>"), v.eot());
        for (int id = 0; id < 700; id++) {
            assertEquals(id < 695 ? TokenType.NORMAL : TokenType.CONTROL, v.types().get(id), "type of " + id);
        }
        assertEquals(700, new HashSet<>(v.tokens()).size(), "pieces are distinct");
        assertEquals(695, countNormal(v), "the corpus is rich enough to need no padding");
        // Every merge joins two earlier pieces into a piece of the vocabulary.
        for (String m : v.merges()) {
            String[] parts = m.split(" ");
            assertTrue(v.tokens().contains(parts[0] + parts[1]), m);
        }
    }

    @Test
    void padsWithReservedTokensWhenTheCorpusRunsOut() {
        BpeVocabulary v = BpeTrainer.train("abab abab cdcd", 300, BpeTrainer.SpecialTokens.llama3());
        assertEquals(300, v.size());
        assertTrue(v.merges().size() < 10, "few pairs occur twice: " + v.merges());
        int normal = countNormal(v);
        assertEquals(256 + v.merges().size(), normal);
        assertEquals(BpeTrainer.SpecialTokens.llama3().tokens(), v.tokens().subList(normal, normal + 5));
        for (int id = normal + 5; id < 300; id++) {
            assertEquals("<|reserved_" + (id - normal - 5) + "|>", v.tokens().get(id));
            assertEquals(TokenType.UNUSED, v.types().get(id));
        }
    }

    private static int countNormal(BpeVocabulary v) {
        return (int) v.types().stream().filter(t -> t == TokenType.NORMAL).count();
    }

    @Test
    void rejectsSizesTooSmallForBytesAndSpecials() {
        assertThrows(IllegalArgumentException.class, () -> BpeTrainer.train("abc", 260, BpeTrainer.SpecialTokens.llama3()));
    }

    @Test
    void trainingIsDeterministic() {
        BpeVocabulary a = BpeTrainer.train(TokenizerFixtures.CORPUS, 400, BpeTrainer.SpecialTokens.llama3());
        BpeVocabulary b = BpeTrainer.train(TokenizerFixtures.CORPUS, 400, BpeTrainer.SpecialTokens.llama3());
        assertEquals(a, b);
    }

    @Test
    void ggufRoundTripGivesAWorkingTokenizerThatCompresses(@TempDir Path dir) throws IOException {
        BpeVocabulary v = TokenizerFixtures.trained();
        Path file = dir.resolve("trained.gguf");
        v.writeTo(new GgufWriter()).write(file);
        try (GgufFile f = GgufFile.open(file)) {
            assertEquals(0, f.tensors().size());
            Tokenizer tok = Tokenizers.fromGguf(f);
            assertEquals(700, tok.vocabSize());
            String text = TokenizerFixtures.CORPUS;
            int[] ids = tok.encode(text, true, true);
            assertEquals(v.bos(), ids[0]);
            assertEquals("<|begin_of_text|>" + text, tok.decode(ids));
            int bytes = text.getBytes(StandardCharsets.UTF_8).length;
            assertTrue(ids.length * 3 < bytes, ids.length + " tokens for " + bytes + " bytes");
            assertArrayEquals(v.tokenizer().encode(text, false, true), tok.encode(text, false, true));
            int eot = tok.idOf("<|eot_id|>");
            assertArrayEquals(new int[] {eot}, tok.encode("<|eot_id|>", false, true));
            assertTrue(tok.isEndOfGeneration(eot));
        }
    }
}
