package dev.gauntlet.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenizerStreamingDecoderTest {
    private final Tokenizer spm = TokenizerFixtures.spm();

    /** The byte tokens spelling {@code bytes}. */
    private int[] byteTokens(byte[] bytes) {
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = spm.idOf(String.format("<0x%02X>", bytes[i] & 0xFF));
        }
        return ids;
    }

    private static String stream(Tokenizer tok, int[] ids) {
        StreamingDecoder d = new StreamingDecoder(tok);
        StringBuilder out = new StringBuilder();
        for (int id : ids) {
            out.append(d.accept(id));
        }
        return out.append(d.flush()).toString();
    }

    @Test
    void holdsBackMultiByteCharactersUntilComplete() {
        StreamingDecoder d = new StreamingDecoder(spm);
        int[] ids = byteTokens("a\u4e2d\uD83D\uDE00".getBytes(StandardCharsets.UTF_8)); // a, 3-byte CJK, 4-byte emoji
        assertEquals("a", d.accept(ids[0]));
        assertEquals("", d.accept(ids[1]));
        assertEquals("", d.accept(ids[2]));
        assertTrue(d.hasPending());
        assertEquals("\u4e2d", d.accept(ids[3]));
        assertFalse(d.hasPending());
        assertEquals("", d.accept(ids[4]));
        assertEquals("", d.accept(ids[5]));
        assertEquals("", d.accept(ids[6]));
        assertEquals("\uD83D\uDE00", d.accept(ids[7]));
        assertEquals("", d.flush());
    }

    @Test
    void invalidBytesAreNotHeldBack() {
        StreamingDecoder d = new StreamingDecoder(spm);
        int[] ids = byteTokens(new byte[] {(byte) 0xE4, 'x', (byte) 0x80, (byte) 0xED, (byte) 0xA0, (byte) 0x80});
        assertEquals("", d.accept(ids[0]));
        assertEquals("\uFFFDx", d.accept(ids[1]));   // the lead byte turned out not to start a character
        assertEquals("\uFFFD", d.accept(ids[2]));    // a stray continuation byte is emitted at once
        assertEquals("", d.accept(ids[3]));
        assertEquals("", d.accept(ids[4]));
        // ED A0 80 would encode a surrogate: complete by length, so it is released, as decode() reads it.
        assertEquals(spm.decode(new int[] {ids[3], ids[4], ids[5]}), d.accept(ids[5]));
        assertFalse(d.hasPending());
    }

    @Test
    void flushEmitsAnUnfinishedSequence() {
        StreamingDecoder d = new StreamingDecoder(spm);
        assertEquals("", d.accept(byteTokens(new byte[] {(byte) 0xF0})[0]));
        assertEquals("\uFFFD", d.flush());
        assertFalse(d.hasPending());
    }

    @Test
    void streamedTextEqualsDecodedTextForRandomBytesAndText() {
        Random r = new Random(3);
        Tokenizer bpe = TokenizerFixtures.trained().tokenizer();
        for (int i = 0; i < 3000; i++) {
            byte[] noise = new byte[r.nextInt(12)];
            r.nextBytes(noise);
            int[] ids = byteTokens(noise);
            assertEquals(spm.decode(ids), stream(spm, ids));
            String text = TokenizerFixtures.randomText(r, 30);
            int[] textIds = bpe.encode(text, true, true);
            assertEquals(bpe.decode(textIds), stream(bpe, textIds));
        }
    }
}
