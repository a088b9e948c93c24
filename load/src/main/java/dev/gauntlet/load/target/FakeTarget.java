package dev.gauntlet.load.target;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --target fake}: a {@link FakeOpenAiServer} as a child JVM on a free loopback port, so that a
 * campaign can measure what the injector itself sustains (its CPU stays apart from the server's).
 * It streams each token {@value #INTER_TOKEN_MS} ms after the last, the first after
 * {@value #FIRST_TOKEN_MS} ms, with no limit on concurrent replies.
 */
public final class FakeTarget implements AutoCloseable {
    static final int FIRST_TOKEN_MS = 20;
    static final int INTER_TOKEN_MS = 5;

    private final ServerProcess server;

    private FakeTarget(ServerProcess server) {
        this.server = server;
    }

    /** Starts it with this JVM's class path, its output in {@code workDir/fake.log}, and waits until it answers. */
    public static FakeTarget start(Path workDir) throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        Path log = workDir.resolve("fake.log");
        List<String> command = command("--first-token-ms", Integer.toString(FIRST_TOKEN_MS),
                "--itl-ms", Integer.toString(INTER_TOKEN_MS));
        FakeTarget fake = new FakeTarget(ServerProcess.start("the fake target", command, 0, log));
        try {
            fake.server.awaitReady(Duration.ofSeconds(30));
        } catch (IOException | InterruptedException | RuntimeException e) {
            fake.close();
            throw e;
        }
        return fake;
    }

    /** {@code java ... FakeOpenAiServer options}, with this JVM's binary and class path. */
    static List<String> command(String... options) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), FakeOpenAiServer.class.getName()));
        command.addAll(List.of(options));
        return command;
    }

    /** The server's base URL. */
    public URI baseUrl() {
        return server.url();
    }

    @Override
    public void close() throws InterruptedException {
        server.stop(Duration.ofSeconds(5));
    }
}
