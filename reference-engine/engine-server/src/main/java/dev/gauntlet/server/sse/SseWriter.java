package dev.gauntlet.server.sse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
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

    /** Sends one chunk as a JSON data event. */
    public void send(Object chunk) throws IOException {
        // JSON never contains a raw newline, so one data line always holds the whole chunk.
        byte[] body = json.writeValueAsBytes(chunk);
        out.write(DATA);
        out.write(body);
        out.write(END);
        out.flush();
    }

    /** Sends the terminating {@code [DONE]} event. */
    public void done() throws IOException {
        out.write(DONE);
        out.flush();
    }
}
