package dev.gauntlet.server.openai;

import dev.gauntlet.engine.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/** How a single token is shown in logprobs: its own decoded text, and its raw bytes. */
final class TokenText {
    private final Tokenizer tokenizer;

    TokenText(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** The token decoded alone (a partial UTF-8 character shows as U+FFFD, as in OpenAI). */
    String text(int token) {
        return tokenizer.decode(new int[] {token});
    }

    /** The token's bytes as unsigned values, OpenAI's {@code bytes}. */
    List<Integer> bytes(int token) {
        byte[] raw = tokenizer.tokenBytes(token);
        List<Integer> out = new ArrayList<>(raw.length);
        for (byte b : raw) {
            out.add(b & 0xff);
        }
        return out;
    }
}
