package dev.gauntlet.engine.scheduler;

import dev.gauntlet.engine.tokenizer.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A 64-token test vocabulary: 0 = EOS, 1 = BOS, 2..27 = "a".."z", 28..55 = "a ".."b " (letter plus
 * space), 56..61 = "0".."5", and 62/63 = the two UTF-8 bytes of "é" (so characters can split).
 */
public final class FakeTokenizer implements Tokenizer {
    public static final int VOCAB = 64;

    @Override
    public byte[] tokenBytes(int id) {
        if (id == 0) {
            return "</s>".getBytes(StandardCharsets.UTF_8);
        }
        if (id == 1) {
            return "<s>".getBytes(StandardCharsets.UTF_8);
        }
        if (id == 62) {
            return new byte[] {(byte) 0xC3};
        }
        if (id == 63) {
            return new byte[] {(byte) 0xA9};
        }
        if (id >= 56) {
            return String.valueOf((char) ('0' + id - 56)).getBytes(StandardCharsets.UTF_8);
        }
        String letter = String.valueOf((char) ('a' + (id - 2) % 26));
        return (id >= 28 ? letter + " " : letter).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public int[] encode(String text, boolean addBos, boolean parseSpecial) {
        // One token per lower-case letter; enough for tests that build prompts from text.
        return text.chars().filter(c -> c >= 'a' && c <= 'z').map(c -> c - 'a' + 2).toArray();
    }

    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : ids) {
            out.writeBytes(tokenBytes(id));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public String piece(int id) {
        return new String(tokenBytes(id), StandardCharsets.ISO_8859_1);
    }

    @Override
    public int idOf(String piece) {
        for (int id = 0; id < VOCAB; id++) {
            if (piece(id).equals(piece)) {
                return id;
            }
        }
        return -1;
    }

    @Override
    public int vocabSize() {
        return VOCAB;
    }

    @Override
    public int bos() {
        return 1;
    }

    @Override
    public int eos() {
        return 0;
    }

    @Override
    public boolean isEndOfGeneration(int id) {
        return id == 0;
    }
}
