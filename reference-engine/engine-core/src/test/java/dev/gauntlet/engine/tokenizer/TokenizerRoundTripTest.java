package dev.gauntlet.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.engine.gguf.GgufFile;
import dev.gauntlet.engine.interop.LlamaCppVectors;
import java.io.IOException;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** decode(encode(s)) gives back s, for random Unicode text, on every kind of vocabulary. */
class TokenizerRoundTripTest {

    private static Tokenizer tiny(String name) throws IOException {
        try (GgufFile f = GgufFile.open(LlamaCppVectors.file(name))) {
            return Tokenizers.fromGguf(f);
        }
    }

    private static void assertRoundTrips(Tokenizer tok, String prefix) {
        Random r = new Random(11);
        for (int i = 0; i < 300; i++) {
            String s = TokenizerFixtures.randomText(r, 40);
            String expected = s.isEmpty() ? "" : prefix + s;
            assertEquals(expected, tok.decode(tok.encode(s, false, false)), () -> "round trip of " + s.codePoints().boxed().toList());
        }
    }

    @Test
    void trainedBpeRoundTrips() {
        assertRoundTrips(TokenizerFixtures.trained().tokenizer(), "");
    }

    @Test
    void handMadeSpmRoundTripsWithSpacePrefix() {
        assertRoundTrips(TokenizerFixtures.spm(), " ");
    }

    @Test
    void tinyLlamaCppVocabulariesRoundTrip() throws IOException {
        assertRoundTrips(tiny("bpe-tiny-f32.gguf"), "");
        assertRoundTrips(tiny("spm-tiny-f32.gguf"), " ");
    }

    @Test
    void spmMergesByScoreAndFallsBackToBytes() {
        Tokenizer tok = TokenizerFixtures.spm();
        // Scores fall with the id: "ab" (263) merges before "▁a" (264), then "▁ab" (265) before "abc" (266).
        int[] ids = tok.encode("abc", false, false);
        assertEquals(" abc", tok.decode(ids));
        assertArrayEquals(new int[] {tok.idOf("\u2581ab"), tok.idOf("c")}, ids);
        // "é" is not a piece: its two UTF-8 bytes become byte tokens.
        assertArrayEquals(new int[] {tok.idOf("\u2581"), tok.idOf("<0xC3>"), tok.idOf("<0xA9>")}, tok.encode("\u00e9", false, false));
    }

    @Test
    void loneHighBytesDecodeToReplacementCharacter() {
        Tokenizer tok = TokenizerFixtures.spm();
        int c3 = tok.idOf("<0xC3>");
        assertArrayEquals(new byte[] {(byte) 0xC3}, tok.tokenBytes(c3));
        assertEquals("\uFFFD", tok.decode(new int[] {c3}));
        assertEquals("\u00e9", tok.decode(new int[] {c3, tok.idOf("<0xA9>")}));
        assertEquals("\uFFFDa", tok.decode(new int[] {c3, tok.idOf("a")}));
    }

    @Test
    void longTextsEncodeQuickly() {
        Tokenizer bpe = TokenizerFixtures.trained().tokenizer();
        Tokenizer spm = TokenizerFixtures.spm();
        String words = TokenizerFixtures.CORPUS.repeat(2).substring(0, 40_000);
        String oneRun = "ab".repeat(15_000); // a single 30 KB pre-token / symbol chain: quadratic merging would show
        assertTimeout(Duration.ofSeconds(3), () -> {
            for (String s : new String[] {words, oneRun}) {
                assertEquals(s, bpe.decode(bpe.encode(s, false, false)));
                assertEquals(" " + s, spm.decode(spm.encode(s, false, false)));
            }
        });
        assertTrue(bpe.encode(words, false, false).length < words.length() / 2, "trained vocabulary compresses its corpus");
    }
}
