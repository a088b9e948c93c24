package dev.gauntlet.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes a stream of token ids into text piece by piece, for streaming generation and stop
 * strings. A token may end in the middle of a UTF-8 sequence (byte tokens, byte-level BPE); such
 * an incomplete tail is held back until the bytes that complete it arrive.
 *
 * <p>The texts returned by {@link #accept} followed by {@link #flush} always concatenate to
 * {@code tokenizer.decode(allIds)}: invalid bytes become U+FFFD exactly as there. Not thread-safe.
 */
public final class StreamingDecoder {
    private final Tokenizer tokenizer;
    private byte[] pending = new byte[8];
    private int pendingLength;

    /** A decoder for the tokens of {@code tokenizer}. */
    public StreamingDecoder(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** A decoder fed raw bytes through {@link #acceptBytes} only (token bytes already looked up). */
    public static StreamingDecoder forBytes() {
        return new StreamingDecoder(null);
    }

    /** Adds one token and returns the text it completes (possibly empty). */
    public String accept(int id) {
        if (tokenizer == null) {
            throw new IllegalStateException("a byte decoder has no tokenizer: use acceptBytes");
        }
        return acceptBytes(tokenizer.tokenBytes(id));
    }

    /** Adds a token's bytes and returns the text they complete (possibly empty). */
    public String acceptBytes(byte[] b) {
        if (pendingLength + b.length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + b.length));
        }
        System.arraycopy(b, 0, pending, pendingLength, b.length);
        pendingLength += b.length;
        return take(pendingLength - incompleteTail(pending, pendingLength));
    }

    /** Returns whatever is held back (an unfinished sequence, as U+FFFD) and resets the decoder. */
    public String flush() {
        return take(pendingLength);
    }

    /** Whether bytes are being held back for an unfinished UTF-8 sequence. */
    public boolean hasPending() {
        return pendingLength > 0;
    }

    private String take(int n) {
        String s = new String(pending, 0, n, StandardCharsets.UTF_8);
        System.arraycopy(pending, n, pending, 0, pendingLength - n);
        pendingLength -= n;
        return s;
    }

    /**
     * The length of the suffix of {@code buf[0, len)} that starts with a multi-byte lead byte and
     * has fewer bytes than that lead announces, or 0. Such a tail is held back even if it is
     * already invalid: the JDK decodes a truncated sequence at the end of its input differently
     * from the same bytes followed by more, so only a cut before a lead byte whose sequence is
     * complete (or hopeless) keeps streamed text equal to {@link Tokenizer#decode}.
     */
    static int incompleteTail(byte[] buf, int len) {
        for (int back = 1; back <= Math.min(3, len); back++) {
            int lead = buf[len - back] & 0xFF;
            if (lead < 0x80) {
                return 0;
            }
            if (lead < 0xC0) {
                continue; // continuation byte: keep looking for the lead
            }
            int need = lead < 0xC2 ? 0 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : lead < 0xF5 ? 4 : 0;
            return need > back ? back : 0;
        }
        return 0;
    }
}
