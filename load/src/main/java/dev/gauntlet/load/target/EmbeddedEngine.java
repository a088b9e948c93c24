package dev.gauntlet.load.target;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.synth.ModelShape;
import dev.gauntlet.engine.synth.SyntheticModel;
import java.io.IOException;
import java.net.URI;
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

    private EmbeddedEngine(Process process, URI baseUrl) {
        this.process = process;
        this.baseUrl = baseUrl;
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
        List<String> jvm = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx1g"));
        if (cpus > 0) {
            jvm.add("-XX:ActiveProcessorCount=" + cpus);
        }
        Path log = workDir.resolve("engine.log");
        ServerProcess server = ServerProcess.launch("the embedded engine", jvm, serverJar, 0,
                List.of("--model", model.toString()), ProcessBuilder.Redirect.to(log.toFile()), log.toString());
        EmbeddedEngine engine = new EmbeddedEngine(server.process(), server.url());
        try {
            server.awaitReady(READY_TIMEOUT);
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
