package dev.gauntlet.load.target;

import dev.gauntlet.engine.Checkout;
import dev.gauntlet.engine.model.BundledModel;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference engine as a child JVM on a free loopback port, serving the bundled trained model
 * (or any GGUF): a target that needs nothing installed. A child process (not in-process) keeps the engine's threads and heap
 * apart from the injector's, so the injector's CPU use can be told from the target's.
 */
public final class EmbeddedEngine implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final ServerProcess server;

    private EmbeddedEngine(ServerProcess server) {
        this.server = server;
    }

    /**
     * What the embedded engine serves and on how many processors.
     *
     * @param model GGUF file, or null for the bundled model ({@link BundledModel})
     * @param quant   weight type to convert to at load ({@code f16}, {@code q8_0}, ...), or null to keep the file's
     * @param backend where the forward pass runs ({@code cpu}, {@code cuda}), or null for the CPU
     * @param tensorParallel GPUs the model is split over ({@code --tp}), 1 for one
     * @param cpus    processors the engine may use ({@code -XX:ActiveProcessorCount}), or 0 for all
     */
    public record Options(Path model, String quant, String backend, int tensorParallel, int cpus) {
        /** The bundled model as stored, on {@code cpus} processors of the CPU backend. */
        public static Options bundled(int cpus) {
            return new Options(null, null, null, 1, cpus);
        }

        /** The model file to serve. */
        public Path modelFile() throws IOException {
            return model != null ? model : BundledModel.model();
        }
    }

    /**
     * Starts the server jar on the model and waits for {@code /ready}; its log goes to {@code workDir}.
     *
     * @param serverJar the engine server's executable jar
     */
    public static EmbeddedEngine start(Path serverJar, Options options, Path workDir)
            throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        int cpus = options.cpus();
        List<String> jvm = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx1g"));
        if (cpus > 0) {
            jvm.add("-XX:ActiveProcessorCount=" + cpus);
        }
        Path log = workDir.resolve("engine.log");
        ServerProcess server = ServerProcess.launch("the embedded engine", jvm, serverJar, 0,
                serverArgs(options), log);
        EmbeddedEngine engine = new EmbeddedEngine(server);
        try {
            server.awaitReady(READY_TIMEOUT);
        } catch (IOException | InterruptedException | RuntimeException e) {
            engine.close();
            throw e;
        }
        return engine;
    }

    private static List<String> serverArgs(Options options) throws IOException {
        List<String> args = new ArrayList<>(List.of("--model", options.modelFile().toString()));
        if (options.quant() != null) {
            args.addAll(List.of("--quant", options.quant()));
        }
        if (options.backend() != null) {
            args.addAll(List.of("--backend", options.backend()));
        }
        if (options.tensorParallel() != 1) {
            args.addAll(List.of("--tp", Integer.toString(options.tensorParallel())));
        }
        return args;
    }

    /** The server's base URL. */
    public URI baseUrl() {
        return server.url();
    }

    /** Stops the engine: politely first (Spring closes the engine), then forcibly. */
    @Override
    public void close() throws InterruptedException {
        server.stop(Duration.ofSeconds(10));
    }

    /**
     * Finds the engine server's jar: the {@code gauntlet.server.jar} system property, else
     * {@code reference-engine/engine-server/target/engine-server.jar} in the checkout ({@link Checkout#locate}).
     */
    public static Path locateServerJar() throws IOException {
        String property = System.getProperty("gauntlet.server.jar");
        if (property != null) {
            return Path.of(property);
        }
        try {
            return Checkout.locate("reference-engine/engine-server/target/engine-server.jar");
        } catch (NoSuchFileException e) {
            throw new IOException("no engine-server.jar found: build it (./mvnw -pl reference-engine/engine-server -am install)"
                    + " or set -Dgauntlet.server.jar", e);
        }
    }
}
