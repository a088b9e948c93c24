package dev.gauntlet.cli;

import dev.gauntlet.load.target.ServerProcess;
import java.io.IOException;
import java.net.URI;
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
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    /**
     * What to start.
     *
     * @param serverJar    the engine-server jar
     * @param model        the GGUF model every replica serves
     * @param replicas     how many servers; with more than one, a router is started in front
     * @param serverArgs   further options of every server ({@code --quant q8_0}, {@code --backend cuda}), may be empty
     * @param port         the front's port (router, or the single server); 0 for a free one
     * @param routerArgs   extra router options (timeouts, breaker), may be empty
     * @param logDir       where each child's output goes ({@code NAME.log}); null to share this process's
     * @param readyTimeout how long each child may take to answer {@code /ready} with 200
     */
    public record Spec(Path serverJar, Path model, int replicas, List<String> serverArgs, int port, List<String> routerArgs,
                       Path logDir, Duration readyTimeout) {
        public Spec {
            if (replicas < 1) {
                throw new IllegalArgumentException("--replicas must be ≥ 1, got " + replicas);
            }
            if (!Files.isRegularFile(serverJar)) {
                throw new IllegalArgumentException("no server jar at " + serverJar
                        + " (build it: ./mvnw -pl reference-engine/engine-server -am install -DskipTests)");
            }
            serverArgs = List.copyOf(serverArgs);
            routerArgs = List.copyOf(routerArgs);
        }
    }

    private final Spec spec;
    private final List<ServerProcess> children = new ArrayList<>();

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
        List<String> args = new ArrayList<>(List.of("--model", spec.model().toString()));
        args.addAll(spec.serverArgs());
        if (spec.replicas() == 1) {
            launch("server", spec.port(), args).awaitReady(spec.readyTimeout());
            return;
        }
        // Replicas load in parallel; the router starts once they are ready, so its first checks find them.
        for (int i = 1; i <= spec.replicas(); i++) {
            launch("replica-" + i, 0, args);
        }
        for (ServerProcess replica : List.copyOf(children)) {
            replica.awaitReady(spec.readyTimeout());
        }
        List<String> routerArgs = new ArrayList<>(List.of("--role", "router"));
        for (ServerProcess replica : children) {
            routerArgs.addAll(List.of("--upstream", replica.url().toString()));
        }
        routerArgs.addAll(spec.routerArgs());
        ServerProcess router = launch("router", spec.port(), routerArgs);
        children.addFirst(children.removeLast());
        router.awaitReady(spec.readyTimeout());
    }

    /** The children, the front (router or single server) first. */
    public List<ServerProcess> children() {
        return List.copyOf(children);
    }

    /** The URL clients use: the router's, or the single server's. */
    public URI url() {
        return children.getFirst().url();
    }

    /** Blocks until some child exits, and returns it (a cluster is only whole with all of them). */
    public ServerProcess awaitAnyExit() throws InterruptedException {
        while (true) {
            for (ServerProcess c : children) {
                if (!c.process().isAlive()) {
                    return c;
                }
            }
            Thread.sleep(200);
        }
    }

    private ServerProcess launch(String name, int port, List<String> args) throws IOException {
        ServerProcess child = ServerProcess.launch(name, ChildJvm.java(), spec.serverJar(), port, args,
                spec.logDir() == null ? null : spec.logDir().resolve(name + ".log"));
        // Listed at once, so that close() stops it even when a later step fails.
        children.add(child);
        return child;
    }

    /** Stops every child: the front first (no new requests), then the replicas; SIGKILL after a grace period. */
    @Override
    public void close() {
        for (ServerProcess c : children) {
            c.process().destroy();
        }
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        for (ServerProcess c : children) {
            try {
                if (!c.process().waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    c.process().destroyForcibly().waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                c.process().destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
