package dev.gauntlet.load.target;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One server child process on a loopback port: launched, then waited for until {@code /ready}
 * answers 200. The embedded campaign target, the fake target and {@code gauntlet serve} all start
 * their servers through it.
 *
 * <p>Asked for a free port, the child binds port 0 itself and writes the port it got to a file
 * ({@code --port-file}): a port picked here and bound by the child later could be taken in between,
 * by a sibling started at the same moment or any other process, and the child would fail to start.
 */
public final class ServerProcess {
    /** Servers bind to loopback only. */
    public static final String HOST = "127.0.0.1";
    private static final int LOG_TAIL_LINES = 25;

    private final String name;
    private final Process process;
    /** Where its output goes; null when it shares this process's. */
    private final Path log;
    /** Where the child reports its port; null when the port was given. */
    private final Path portFile;
    private volatile URI url;

    private ServerProcess(String name, Process process, Path log, Path portFile, URI url) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.portFile = portFile;
        this.url = url;
    }

    /**
     * Starts the engine server, {@code jvm -jar serverJar args --host 127.0.0.1 --port P}, without
     * waiting for it.
     *
     * @param jvm    the {@code java} command and its options
     * @param port   the port, or 0 for a free one
     * @param log    the file its output (stdout and stderr together) goes to; null to share this process's
     */
    public static ServerProcess launch(String name, List<String> jvm, Path serverJar, int port, List<String> args,
                                       Path log) throws IOException {
        List<String> command = new ArrayList<>(jvm);
        command.addAll(List.of("-jar", serverJar.toString()));
        command.addAll(args);
        command.addAll(List.of("--host", HOST));
        return start(name, command, port, log);
    }

    /**
     * Starts {@code command --port P} without waiting for it; with port 0, {@code command --port 0
     * --port-file F}, and the command must write the port it bound to F.
     *
     * @param port the loopback port, or 0 for a free one
     * @param log  the file its output (stdout and stderr together) goes to; null to share this process's
     */
    public static ServerProcess start(String name, List<String> command, int port, Path log) throws IOException {
        List<String> full = new ArrayList<>(command);
        full.addAll(List.of("--port", Integer.toString(port)));
        Path portFile = null;
        if (port == 0) {
            portFile = Files.createTempDirectory("gauntlet-port").resolve("port");
            full.addAll(List.of("--port-file", portFile.toString()));
        }
        ProcessBuilder.Redirect output = log == null ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.to(log.toFile());
        Process process = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(output).start();
        return new ServerProcess(name, process, log, portFile, port == 0 ? null : urlOf(port));
    }

    /** A name for messages ({@code server}, {@code replica-2}, ...). */
    public String name() {
        return name;
    }

    /** The child process. */
    public Process process() {
        return process;
    }

    /**
     * The base URL it serves on.
     *
     * @throws IllegalStateException when it was started on a free port and {@link #awaitReady} has not returned yet
     */
    public URI url() {
        URI known = url;
        if (known == null) {
            throw new IllegalStateException(name + " has not reported its port yet");
        }
        return known;
    }

    /** Waits until {@code /ready} answers 200; fails at once if the process exits first. */
    public void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IOException(name + " exited with code " + process.exitValue() + " before it was ready"
                            + logTail());
                }
                if (url == null) {
                    url = reportedUrl();
                }
                if (url != null && isReady(http)) {
                    return;
                }
                Thread.sleep(100);
            }
        } finally {
            deletePortFile();
        }
        throw new IOException(name + " was not ready within " + timeout.toSeconds() + " s" + logTail());
    }

    /** For failure messages: the end of its log, so that a CI report shows why without the file. */
    private String logTail() {
        if (log == null) {
            return "";
        }
        try {
            List<String> lines = Files.readAllLines(log);
            return "; the last lines of " + log + ":\n  "
                    + String.join("\n  ", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "; see " + log + " (unreadable: " + e.getMessage() + ")";
        }
    }

    private boolean isReady(HttpClient http) throws InterruptedException {
        HttpRequest ready = HttpRequest.newBuilder(url.resolve("/ready")).timeout(Duration.ofSeconds(5)).GET().build();
        try {
            return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notServingYet) {
            return false;
        }
    }

    /** The URL from the port file, or null while the child has not written it (whole) yet. */
    private URI reportedUrl() throws IOException {
        try {
            String text = Files.readString(portFile).strip();
            return text.isEmpty() ? null : urlOf(Integer.parseInt(text));
        } catch (NoSuchFileException | NumberFormatException notYet) {
            return null;
        }
    }

    private void deletePortFile() throws IOException {
        if (portFile != null) {
            Files.deleteIfExists(portFile);
            Files.deleteIfExists(portFile.getParent());
        }
    }

    /** Stops it: SIGTERM, then SIGKILL if it has not exited within {@code grace}. */
    public void stop(Duration grace) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static URI urlOf(int port) {
        return URI.create("http://" + HOST + ":" + port);
    }
}
