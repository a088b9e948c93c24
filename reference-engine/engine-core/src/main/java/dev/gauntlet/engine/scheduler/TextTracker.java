package dev.gauntlet.engine.scheduler;

import dev.gauntlet.engine.tokenizer.StreamingDecoder;
import java.util.List;

/**
 * Turns one sequence's generated token bytes into text deltas, holding back (a) the bytes of an
 * unfinished UTF-8 character and (b) any tail that could still become a stop string, so that
 * released text never has to be taken back and never contains a stop string. Stop matches that
 * start in released text are impossible: their start would have been held back.
 */
final class TextTracker {
    private final List<String> stops;
    /** Holds back a UTF-8 sequence split across tokens, exactly as the tokenizer's own streaming decode does. */
    private final StreamingDecoder utf8 = StreamingDecoder.forBytes();
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
        pending.append(utf8.acceptBytes(bytes));
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
            utf8.flush(); // nothing is released after a stop string
            return out;
        }
        return release(pending.length() - stopPrefixTail());
    }

    /** Releases everything held back (an unfinished character becomes U+FFFD). */
    String flush() {
        pending.append(utf8.flush());
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
}
