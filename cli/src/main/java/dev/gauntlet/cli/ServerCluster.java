package dev.gauntlet.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
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
 * Server processes started from the engine-server jar: one server, or N replicas and a router in
 * front of them, each on a free loopback port. {@link #close} stops them all (SIGTERM, then SIGKILL
 * for any that lingers), so that none outlives its parent.
 */
public final class ServerCluster implements AutoCloseable {
    private static final String HOST = "127.0.0.1";
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    /**
     * What to start.
     *
     * @param serverJar    the engine-server jar
     * @param model        the GGUF model every replica serves
     * @param replicas     how many servers; with more than one, a router is started in front
     * @param quant        weight type to convert to at load, or null
     * @param port         the front's port (router, or the single server); 0 for a free one
     * @param routerArgs   extra router options (timeouts, breaker), may be empty
     * @param logDir       where each child's output goes ({@code NAME.log}); null to share this process's
     * @param readyTimeout how long each child may take to answer {@code /ready} with 200
     */
    public record Spec(Path serverJar, Path model, int replicas, String quant, int port, List<String> routerArgs,
                       Path logDir, Duration readyTimeout) {
        public Spec {
            if (replicas < 1) {
                throw new IllegalArgumentException("--replicas must be ≥ 1, got " + replicas);
            }
            if (!Files.isRegularFile(serverJar)) {
                throw new IllegalArgumentException("no server jar at " + serverJar
                        + " (build it: ./mvnw -pl reference-engine/engine-server -am install -DskipTests)");
            }
            routerArgs = List.copyOf(routerArgs);
        }
    }

    /** One child process and the URL it serves on. */
    public record Child(String name, URI url, Process process) {
    }

    private final Spec spec;
    private final List<Child> children = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ServerCluster(Spec spec) {
        this.spec = spec;
    }

    /** Starts the processes and returns once each answers {@code /ready}; on failure stops those started. */
    public static ServerCluster start(Spec spec) throws IOException, InterruptedException {
        ServerCluster cluster = new ServerCluster(spec);
        try {
            cluster.startAll();
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void startAll() throws IOException, InterruptedException {
        List<String> serverArgs = new ArrayList<>(List.of("--model", spec.model().toString()));
        if (spec.quant() != null) {
            serverArgs.addAll(List.of("--quant", spec.quant()));
        }
        if (spec.replicas() == 1) {
            awaitReady(launch("server", spec.port(), serverArgs));
            return;
        }
        // Replicas load in parallel; the router starts once they are ready, so its first checks find them.
        for (int i = 1; i <= spec.replicas(); i++) {
            launch("replica-" + i, 0, serverArgs);
        }
        for (Child replica : List.copyOf(children)) {
            awaitReady(replica);
        }
        List<String> routerArgs = new ArrayList<>(List.of("--role", "router"));
        for (Child replica : children) {
            routerArgs.addAll(List.of("--upstream", replica.url().toString()));
        }
        routerArgs.addAll(spec.routerArgs());
        Child router = launch("router", spec.port(), routerArgs);
        children.addFirst(children.removeLast());
        awaitReady(router);
    }

    /** The children, the front (router or single server) first. */
    public List<Child> children() {
        return List.copyOf(children);
    }

    /** The URL clients use: the router's, or the single server's. */
    public URI url() {
        return children.getFirst().url();
    }

    /** Blocks until some child exits, and returns it (a cluster is only whole with all of them). */
    public Child awaitAnyExit() throws InterruptedException {
        while (true) {
            for (Child c : children) {
                if (!c.process().isAlive()) {
                    return c;
                }
            }
            Thread.sleep(200);
        }
    }

    private Child launch(String name, int port, List<String> args) throws IOException {
        int chosen = port != 0 ? port : freePort();
        List<String> command = ChildJvm.java();
        command.addAll(List.of("-jar", spec.serverJar().toString()));
        command.addAll(args);
        command.addAll(List.of("--host", HOST, "--port", String.valueOf(chosen)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (spec.logDir() == null) {
            builder.redirectOutput(ProcessBuilder.Redirect.INHERIT);
        } else {
            builder.redirectOutput(spec.logDir().resolve(name + ".log").toFile());
        }
        Child child = new Child(name, URI.create("http://" + HOST + ":" + chosen), builder.start());
        // Listed at once, so that close() stops it even when a later step fails.
        children.add(child);
        return child;
    }

    /** A loopback port free now (the child binds it a moment later; another process taking it is unlikely). */
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady(Child child) throws InterruptedException {
        long deadline = System.nanoTime() + spec.readyTimeout().toNanos();
        HttpRequest ready = HttpRequest.newBuilder(child.url().resolve("/ready")).timeout(Duration.ofSeconds(2))
                .GET().build();
        while (System.nanoTime() < deadline) {
            if (!child.process().isAlive()) {
                throw new IllegalStateException(child.name() + " exited with code " + child.process().exitValue()
                        + " before it was ready" + (spec.logDir() == null ? "" : "; see " + spec.logDir()));
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                // Still starting: try again below.
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(child.name() + " was not ready within " + spec.readyTimeout().toSeconds() + " s");
    }

    /** Stops every child: the front first (no new requests), then the replicas; SIGKILL after a grace period. */
    @Override
    public void close() {
        for (Child c : children) {
            c.process().destroy();
        }
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        for (Child c : children) {
            try {
                if (!c.process().waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    c.process().destroyForcibly().waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                c.process().destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        http.close();
    }
}
