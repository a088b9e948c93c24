package dev.gauntlet.engine.scheduler;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Turns one sequence's generated token bytes into text deltas, holding back (a) the bytes of an
 * unfinished UTF-8 character and (b) any tail that could still become a stop string, so that
 * released text never has to be taken back and never contains a stop string. Stop matches that
 * start in released text are impossible: their start would have been held back.
 */
final class TextTracker {
    private final List<String> stops;
    private byte[] partial = new byte[0];
    private final StringBuilder pending = new StringBuilder();
    private String matchedStop;

    TextTracker(List<String> stops) {
        this.stops = stops;
    }

    /**
     * Adds a token's bytes and returns the text that can be released now. When
     * {@code checkStops} and a stop string appears, returns the text before it and
     * {@link #matchedStop()} is set; nothing more is released after that.
     */
    String append(byte[] bytes, boolean checkStops) {
        byte[] all = Arrays.copyOf(partial, partial.length + bytes.length);
        System.arraycopy(bytes, 0, all, partial.length, bytes.length);
        int cut = completePrefix(all);
        pending.append(new String(all, 0, cut, StandardCharsets.UTF_8));
        partial = Arrays.copyOfRange(all, cut, all.length);
        if (!checkStops || stops.isEmpty()) {
            return release(pending.length());
        }
        int first = -1;
        for (String s : stops) {
            int at = pending.indexOf(s);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
                matchedStop = s;
            }
        }
        if (first >= 0) {
            String out = pending.substring(0, first);
            pending.setLength(0);
            partial = new byte[0];
            return out;
        }
        return release(pending.length() - stopPrefixTail());
    }

    /** Releases everything held back (an unfinished character becomes U+FFFD). */
    String flush() {
        pending.append(new String(partial, StandardCharsets.UTF_8));
        partial = new byte[0];
        return release(pending.length());
    }

    /** The stop string that matched, or null. */
    String matchedStop() {
        return matchedStop;
    }

    private String release(int chars) {
        String out = pending.substring(0, chars);
        pending.delete(0, chars);
        return out;
    }

    /** Length of the longest tail of {@code pending} that is a proper prefix of a stop string. */
    private int stopPrefixTail() {
        int best = 0;
        for (String s : stops) {
            for (int k = Math.min(s.length() - 1, pending.length()); k > best; k--) {
                if (pending.substring(pending.length() - k).equals(s.substring(0, k))) {
                    best = k;
                    break;
                }
            }
        }
        return best;
    }

    /** Bytes of {@code b} up to where a UTF-8 character that is still incomplete begins. */
    private static int completePrefix(byte[] b) {
        for (int i = b.length - 1; i >= Math.max(0, b.length - 3); i--) {
            int v = b[i] & 0xFF;
            if ((v & 0xC0) == 0x80) {
                continue; // continuation byte: keep looking for the lead
            }
            int len = v >= 0xF0 ? 4 : v >= 0xE0 ? 3 : v >= 0xC0 ? 2 : 1;
            return i + len > b.length ? i : b.length;
        }
        return b.length;
    }
}
