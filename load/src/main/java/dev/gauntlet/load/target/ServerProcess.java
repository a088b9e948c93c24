package dev.gauntlet.load.target;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One reference-server child JVM on a loopback port: launched from the engine-server jar, then
 * waited for until {@code /ready} answers 200. The embedded campaign target and
 * {@code gauntlet serve} both start their servers through it.
 *
 * @param name    a name for messages ({@code server}, {@code replica-2}, ...)
 * @param url     the base URL it serves on
 * @param process the child process
 * @param logHint where its output goes, for error messages
 */
public record ServerProcess(String name, URI url, Process process, String logHint) {
    /** Servers bind to loopback only. */
    public static final String HOST = "127.0.0.1";

    /**
     * Starts {@code jvm -jar serverJar args --host 127.0.0.1 --port P} without waiting for it.
     *
     * @param jvm    the {@code java} command and its options
     * @param port   the port, or 0 for one free now
     * @param output where the child's output (stdout and stderr together) goes
     */
    public static ServerProcess launch(String name, List<String> jvm, Path serverJar, int port, List<String> args,
                                       ProcessBuilder.Redirect output, String logHint) throws IOException {
        int chosen = port != 0 ? port : freePort();
        List<String> command = new ArrayList<>(jvm);
        command.addAll(List.of("-jar", serverJar.toString()));
        command.addAll(args);
        command.addAll(List.of("--host", HOST, "--port", Integer.toString(chosen)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output).start();
        return new ServerProcess(name, URI.create("http://" + HOST + ":" + chosen), process, logHint);
    }

    /** Waits until {@code /ready} answers 200; fails at once if the process exits first. */
    public void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpRequest ready = HttpRequest.newBuilder(url.resolve("/ready")).timeout(Duration.ofSeconds(5)).GET().build();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IOException(name + " exited with code " + process.exitValue() + " before it was ready"
                            + (logHint == null ? "" : "; see " + logHint));
                }
                try {
                    if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return;
                    }
                } catch (IOException notListeningYet) {
                    // Still starting: the port opens only once Spring has started.
                }
                Thread.sleep(100);
            }
        }
        throw new IOException(name + " was not ready within " + timeout.toSeconds() + " s"
                + (logHint == null ? "" : "; see " + logHint));
    }

    /** A loopback port free now (the child binds it a moment later; another process taking it is rare). */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }
}
