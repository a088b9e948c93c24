package dev.gauntlet.server.router;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A replica stand-in on a raw loopback socket, so that a test can do what a real server never does
 * on purpose: answer with a raw reply and then drop the connection mid-body. Each request gets
 * {@code reply} written as is, then the connection is closed.
 */
final class FakeUpstream implements AutoCloseable {
    private final ServerSocket socket;
    private final byte[] reply;
    private final AtomicInteger requests = new AtomicInteger();

    FakeUpstream(String reply) throws IOException {
        this.reply = reply.getBytes(StandardCharsets.UTF_8);
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::serve);
    }

    /** A complete chunked reply with one chunk. */
    static String chunked(int status, String contentType, String body) {
        return head(status, contentType) + Integer.toHexString(body.getBytes(StandardCharsets.UTF_8).length) + "\r\n"
                + body + "\r\n0\r\n\r\n";
    }

    /** A chunked reply cut after its first chunk (no terminating chunk). */
    static String cut(String contentType, String firstChunk) {
        return head(200, contentType) + Integer.toHexString(firstChunk.getBytes(StandardCharsets.UTF_8).length)
                + "\r\n" + firstChunk + "\r\n";
    }

    private static String head(int status, String contentType) {
        return "HTTP/1.1 " + status + " X\r\nContent-Type: " + contentType + "\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n";
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }

    int requests() {
        return requests.get();
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket s = socket.accept()) {
                readRequest(new BufferedInputStream(s.getInputStream()));
                requests.incrementAndGet();
                OutputStream out = s.getOutputStream();
                out.write(reply);
                out.flush();
            } catch (IOException e) {
                // Closed by the test, or the router went away: either way, next connection.
            }
        }
    }

    /** Reads the request head and its Content-Length body, so that the reply comes after the whole request. */
    private static void readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            head.append((char) b);
        }
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                in.readNBytes(Integer.parseInt(line.substring(15).trim()));
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
