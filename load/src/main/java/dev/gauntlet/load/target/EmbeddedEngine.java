package dev.gauntlet.load.target;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.synth.ModelShape;
import dev.gauntlet.engine.synth.SyntheticModel;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The reference engine as a child JVM on a free loopback port, serving a synthetic model: a target
 * that needs nothing installed. A child process (not in-process) keeps the engine's threads and heap
 * apart from the injector's, so the injector's CPU use can be told from the target's.
 */
public final class EmbeddedEngine implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final URI baseUrl;
    private final Path log;

    private EmbeddedEngine(Process process, URI baseUrl, Path log) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.log = log;
    }

    /**
     * Writes a synthetic model into {@code workDir}, starts the server jar on it and waits for {@code /ready}.
     *
     * @param serverJar the engine server's executable jar
     * @param cpus      processors the engine may use ({@code -XX:ActiveProcessorCount}), or 0 for all
     */
    public static EmbeddedEngine start(Path serverJar, ModelShape shape, long seed, int cpus, Path workDir)
            throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        Path model = workDir.resolve("synthetic-" + shape.name() + ".gguf");
        SyntheticModel.write(shape, GgmlType.F32, seed, model);
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx1g"));
        if (cpus > 0) {
            command.add("-XX:ActiveProcessorCount=" + cpus);
        }
        command.addAll(List.of("-jar", serverJar.toString(), "--model", model.toString(),
                "--host", "127.0.0.1", "--port", Integer.toString(port)));
        Path log = workDir.resolve("engine.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        EmbeddedEngine engine = new EmbeddedEngine(process, URI.create("http://127.0.0.1:" + port), log);
        try {
            engine.awaitReady();
        } catch (IOException | InterruptedException | RuntimeException e) {
            engine.close();
            throw e;
        }
        return engine;
    }

    /** The server's base URL. */
    public URI baseUrl() {
        return baseUrl;
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpRequest ready = HttpRequest.newBuilder(baseUrl.resolve("/ready")).timeout(Duration.ofSeconds(5)).GET().build();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IOException("the embedded engine exited (" + process.exitValue() + "); see " + log);
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
        throw new IOException("the embedded engine was not ready within " + READY_TIMEOUT.toSeconds() + " s; see " + log);
    }

    private static int freePort() throws IOException {
        // The port may be taken again between closing and the child binding it; on loopback that race is rare and reported as a start failure.
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Stops the engine: politely first (Spring closes the engine), then forcibly. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Finds the engine server's jar: the {@code gauntlet.server.jar} system property, else
     * {@code reference-engine/engine-server/target/engine-server.jar} in this or a parent folder.
     */
    public static Path locateServerJar() throws IOException {
        String property = System.getProperty("gauntlet.server.jar");
        if (property != null) {
            return Path.of(property);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path jar = dir.resolve("reference-engine/engine-server/target/engine-server.jar");
            if (Files.isRegularFile(jar)) {
                return jar;
            }
        }
        throw new IOException("no engine-server.jar found: build it (./mvnw -pl reference-engine/engine-server -am install)"
                + " or set -Dgauntlet.server.jar");
    }
}
