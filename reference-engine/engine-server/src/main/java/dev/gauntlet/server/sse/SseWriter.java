package dev.gauntlet.server.sse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes Server-Sent Events as OpenAI sends them: {@code data: {json}\n\n} per chunk, then
 * {@code data: [DONE]\n\n}. Every event is flushed at once, so tokens reach the client as they are
 * generated, and a client that went away is noticed at the next event (as an {@link IOException}).
 */
public final class SseWriter {
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private final JsonMapper json;

    public SseWriter(OutputStream out, JsonMapper json) {
        this.out = out;
        this.json = json;
    }

    /** Sends one chunk as a JSON data event and flushes it to the socket. */
    public void send(Object chunk) throws IOException {
        out.write(event(chunk));
        out.flush();
    }

    /**
     * Sends the stream's last chunks and the terminating {@code [DONE]} event, flushed together: the
     * end of the stream is one socket write, so a timing taken just before this call is when it left.
     */
    public void finish(List<Object> lastChunks) throws IOException {
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        for (Object chunk : lastChunks) {
            tail.write(event(chunk));
        }
        tail.write(DONE);
        out.write(tail.toByteArray());
        out.flush();
    }

    /** One whole event as bytes, so that it goes to the servlet stream in one write. */
    private byte[] event(Object chunk) {
        // JSON never contains a raw newline, so one data line always holds the whole chunk.
        byte[] body = json.writeValueAsBytes(chunk);
        byte[] event = new byte[DATA.length + body.length + END.length];
        System.arraycopy(DATA, 0, event, 0, DATA.length);
        System.arraycopy(body, 0, event, DATA.length, body.length);
        System.arraycopy(END, 0, event, DATA.length + body.length, END.length);
        return event;
    }
}
