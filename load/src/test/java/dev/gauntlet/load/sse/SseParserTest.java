package dev.gauntlet.load.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SseParserTest {

    /** What the parser reported, as comparable text: events as "type|data", comments as "#text". */
    private static final class Recorder implements SseListener {
        final List<String> seen = new ArrayList<>();
        final List<Long> eventTimes = new ArrayList<>();

        @Override
        public void onEvent(SseEvent event) {
            seen.add(event.type() + "|" + event.data());
            eventTimes.add(event.arrivalNanos());
        }

        @Override
        public void onComment(String text, long arrivalNanos) {
            seen.add("#" + text);
        }
    }

    /** An OpenAI-like stream exercising every line ending, comments, multi-line data and 2-, 3- and 4-byte UTF-8. */
    private static final String STREAM = "\uFEFF: keep-alive\r\n"
            + "data: {\"choices\":[{\"text\":\"h\u00e9llo\"}]}\r\n\r\n"
            + ":\n"
            + "data: {\"choices\":[{\"delta\":{\"content\":\"\u20ac \uD83D\uDE00\"}}]}\n\n"
            + "event: note\rdata:first\rdata:  second\r\r"
            + "id: 7\nretry: 10\nunknown\ndata\n\n"
            + "data: {\"error\":{\"message\":\"boom\"}}\r\n\r\n"
            + "data: [DONE]\n\n";

    private static final List<String> EXPECTED = List.of(
            "# keep-alive",
            "message|{\"choices\":[{\"text\":\"h\u00e9llo\"}]}",
            "#",
            "message|{\"choices\":[{\"delta\":{\"content\":\"\u20ac \uD83D\uDE00\"}}]}",
            "note|first\n second",
            "message|",
            "message|{\"error\":{\"message\":\"boom\"}}",
            "message|[DONE]");

    @Test
    void parsesEveryFieldAndLineEndingInOneChunk() {
        Recorder r = new Recorder();
        SseParser parser = new SseParser(r);
        parser.feed(ByteBuffer.wrap(STREAM.getBytes(StandardCharsets.UTF_8)), 1);
        assertEquals(EXPECTED, r.seen);
        assertFalse(parser.hasPartialEvent());
    }

    @Test
    void randomReChunkingNeverChangesTheEvents() {
        byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
        SplittableRandom random = new SplittableRandom(42);
        for (int trial = 0; trial < 2000; trial++) {
            Recorder r = new Recorder();
            SseParser parser = new SseParser(r);
            int pos = 0;
            while (pos < bytes.length) {
                // Mostly tiny pieces, so that every split point (inside CRLF, inside UTF-8 sequences) occurs.
                int n = Math.min(bytes.length - pos, random.nextInt(1, random.nextBoolean() ? 4 : 40));
                parser.feed(bytes, pos, n, pos);
                pos += n;
            }
            assertEquals(EXPECTED, r.seen, "trial " + trial);
            assertFalse(parser.hasPartialEvent());
        }
    }

    @Test
    void everySingleSplitPointIsHandled() {
        byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
        for (int split = 0; split <= bytes.length; split++) {
            Recorder r = new Recorder();
            SseParser parser = new SseParser(r);
            parser.feed(bytes, 0, split, 0);
            parser.feed(bytes, split, bytes.length - split, 1);
            assertEquals(EXPECTED, r.seen, "split at byte " + split);
        }
    }

    @Test
    void anEventIsTimedByTheChunkThatCompletesIt() {
        Recorder r = new Recorder();
        SseParser parser = new SseParser(r);
        byte[] bytes = "data: a\n\ndata: b\n\n".getBytes(StandardCharsets.UTF_8);
        parser.feed(bytes, 0, 8, 100);   // "data: a\n": the event is not complete yet
        parser.feed(bytes, 8, 9, 200);   // "\ndata: b\n": completes a
        parser.feed(bytes, 17, 1, 300);  // the last "\n" completes b
        assertEquals(List.of("message|a", "message|b"), r.seen);
        assertEquals(List.of(200L, 300L), r.eventTimes);
    }

    @Test
    void aStreamCutInsideAnEventIsPartialAndDispatchesNothing() {
        Recorder r = new Recorder();
        SseParser parser = new SseParser(r);
        parser.feed(ByteBuffer.wrap("data: {\"choices\":[]}\n".getBytes(StandardCharsets.UTF_8)), 0);
        assertTrue(parser.hasPartialEvent());
        assertEquals(List.of(), r.seen);

        SseParser cutMidLine = new SseParser(new Recorder());
        cutMidLine.feed(ByteBuffer.wrap("data: {\"cho".getBytes(StandardCharsets.UTF_8)), 0);
        assertTrue(cutMidLine.hasPartialEvent());
    }

    @Test
    void aTrailingCrIsALineEndEvenBeforeItsLfArrives() {
        Recorder r = new Recorder();
        SseParser parser = new SseParser(r);
        parser.feed(ByteBuffer.wrap("data: x\r\n\r".getBytes(StandardCharsets.UTF_8)), 5);
        assertEquals(List.of("message|x"), r.seen, "the CR alone ends the blank line");
        parser.feed(ByteBuffer.wrap("\ndata: y\n\n".getBytes(StandardCharsets.UTF_8)), 6);
        assertEquals(List.of("message|x", "message|y"), r.seen, "the LF after it is not a second blank line");
    }
}
