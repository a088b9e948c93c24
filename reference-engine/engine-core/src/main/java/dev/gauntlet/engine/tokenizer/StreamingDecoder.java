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

    /** Adds one token and returns the text it completes (possibly empty). */
    public String accept(int id) {
        byte[] b = tokenizer.tokenBytes(id);
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
     * The length of the shortest suffix of {@code buf[0, len)} that is the valid start of a UTF-8
     * sequence still missing bytes, or 0. Splitting before such a lead byte never changes how the
     * bytes before it decode, because a lead byte always begins a new sequence.
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
            if (need <= back) {
                return 0; // complete, or not a valid lead byte at all: nothing to wait for
            }
            if (back >= 2 && !validSecondByte(lead, buf[len - back + 1] & 0xFF)) {
                return 0;
            }
            return back;
        }
        return 0;
    }

    /** The second-byte ranges that exclude overlong forms, surrogates and code points above U+10FFFF. */
    private static boolean validSecondByte(int lead, int second) {
        return switch (lead) {
            case 0xE0 -> second >= 0xA0 && second <= 0xBF;
            case 0xED -> second >= 0x80 && second <= 0x9F;
            case 0xF0 -> second >= 0x90 && second <= 0xBF;
            case 0xF4 -> second >= 0x80 && second <= 0x8F;
            default -> true;
        };
    }
}
