package dev.gauntlet.engine.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextTrackerTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void splitUtf8CharactersWaitForTheirLastByte() {
        TextTracker t = new TextTracker(List.of());
        byte[] e = b("é");
        assertEquals("a", t.append(new byte[] {'a', e[0]}, true));
        assertEquals("é", t.append(new byte[] {e[1]}, true));
        byte[] emoji = b("😀");
        assertEquals("", t.append(new byte[] {emoji[0], emoji[1]}, true));
        assertEquals("\uFFFD", t.flush()); // an unfinished character at the end
    }

    @Test
    void possibleStopPrefixesAreHeldBackUntilResolved() {
        TextTracker t = new TextTracker(List.of("STOP", "xy"));
        assertEquals("ab", t.append(b("abS"), true));
        assertEquals("", t.append(b("T"), true));
        assertEquals("STa", t.append(b("a"), true)); // not a stop after all
        assertNull(t.matchedStop());
        assertEquals("q", t.append(b("qST"), true));
        assertEquals("", t.append(b("OPzz"), true));
        assertEquals("STOP", t.matchedStop());
    }

    @Test
    void earliestStopWinsAndStopsAreIgnoredWhenNotChecked() {
        TextTracker t = new TextTracker(List.of("cd", "b"));
        assertEquals("abcd", t.append(b("abcd"), false));
        assertNull(t.matchedStop());
        assertEquals("x", t.append(b("xbcd"), true));
        assertEquals("b", t.matchedStop());
    }
}
