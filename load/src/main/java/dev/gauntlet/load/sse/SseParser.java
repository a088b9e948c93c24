package dev.gauntlet.load.sse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An incremental Server-Sent Events parser working on bytes, as the HTML standard's event-stream
 * interpretation defines it. Network chunks may split the stream anywhere: inside a multi-byte UTF-8
 * character (lines are decoded only once complete), between the {@code \r} and {@code \n} of a line
 * end (a {@code \r} at a chunk's end is remembered), or inside a field name. Lines end with CRLF, LF
 * or CR; {@code data:} lines accumulate; a blank line dispatches; an event still open when the stream
 * ends is discarded, as the spec says (see {@link #hasPartialEvent()}).
 *
 * <p>Not thread-safe: one stream, one feeding thread (the HTTP client delivers a body's chunks in order).
 */
public final class SseParser {
    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final SseListener listener;
    private byte[] line = new byte[256];
    private int lineLength;
    /** The previous byte ended a line with CR: a following LF belongs to that line end. */
    private boolean afterCr;
    /** Bytes seen so far, while a leading byte-order mark may still be in progress. */
    private int bomChecked;
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String eventType;

    public SseParser(SseListener listener) {
        this.listener = listener;
    }

    /** Feeds the next network chunk, which arrived at {@code arrivalNanos}; consumes the buffer. */
    public void feed(ByteBuffer chunk, long arrivalNanos) {
        while (chunk.hasRemaining()) {
            accept(chunk.get(), arrivalNanos);
        }
    }

    /** Feeds {@code length} bytes of {@code bytes} from {@code offset}, which arrived at {@code arrivalNanos}. */
    public void feed(byte[] bytes, int offset, int length, long arrivalNanos) {
        for (int i = offset; i < offset + length; i++) {
            accept(bytes[i], arrivalNanos);
        }
    }

    /**
     * Whether the stream so far ends inside an event: an unterminated line or data lines without
     * their closing blank line. Read at end of stream, it tells a cut stream from a clean one.
     */
    public boolean hasPartialEvent() {
        return lineLength > 0 || hasData;
    }

    private void accept(byte b, long arrivalNanos) {
        if (bomChecked < BOM.length) {
            // A UTF-8 byte-order mark may open the stream; it is not part of the first line.
            if (b == BOM[bomChecked] && lineLength == bomChecked) {
                bomChecked++;
                append(b);
                if (bomChecked == BOM.length) {
                    lineLength = 0;
                }
                return;
            }
            bomChecked = BOM.length;
        }
        if (b == LF && afterCr) {
            afterCr = false;
            return;
        }
        afterCr = b == CR;
        if (b == CR || b == LF) {
            endLine(arrivalNanos);
        } else {
            append(b);
        }
    }

    private void append(byte b) {
        if (lineLength == line.length) {
            line = Arrays.copyOf(line, line.length * 2);
        }
        line[lineLength++] = b;
    }

    private void endLine(long arrivalNanos) {
        int length = lineLength;
        lineLength = 0;
        if (length == 0) {
            dispatch(arrivalNanos);
            return;
        }
        if (line[0] == ':') {
            listener.onComment(new String(line, 1, length - 1, StandardCharsets.UTF_8), arrivalNanos);
            return;
        }
        int colon = indexOf(line, length, (byte) ':');
        String field = new String(line, 0, colon < 0 ? length : colon, StandardCharsets.UTF_8);
        int valueStart = colon < 0 ? length : colon + 1;
        if (valueStart < length && line[valueStart] == ' ') {
            valueStart++;
        }
        String value = new String(line, valueStart, length - valueStart, StandardCharsets.UTF_8);
        switch (field) {
            case "data" -> {
                data.append(value).append('\n');
                hasData = true;
            }
            case "event" -> eventType = value;
            default -> {
                // id and retry steer reconnection, which a one-shot completion stream never does; unknown fields are ignored by spec.
            }
        }
    }

    private void dispatch(long arrivalNanos) {
        if (hasData) {
            data.setLength(data.length() - 1);
            listener.onEvent(new SseEvent(eventType == null ? "message" : eventType, data.toString(), arrivalNanos));
        }
        data.setLength(0);
        hasData = false;
        eventType = null;
    }

    private static int indexOf(byte[] bytes, int length, byte b) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
