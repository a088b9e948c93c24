package dev.gauntlet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code gauntlet serve --replicas 2} as a real process: serves through its router, and SIGTERM stops every child. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ServeCommandTest {
    /** The line {@code gauntlet serve} prints for its front; the children's log lines share the stream. */
    private static final Pattern ROUTER_LINE = Pattern.compile("router\\s+(http://\\S+)");

    @TempDir
    Path dir;

    @Test
    void servesThroughTheRouterAndStopsItsChildrenOnSigterm() throws Exception {
        Path model = RouterEndToEndTest.tinyModel(dir);
        Process cli = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), GauntletCommand.class.getName(),
                "serve", "--model", model.toString(), "--replicas", "2", "--port", "0")
                .redirectErrorStream(true).start();
        List<ProcessHandle> children = List.of();
        try {
            // The children share the CLI's output: drain it all, or a full pipe would block them.
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(cli.getInputStream(), StandardCharsets.UTF_8))) {
                    r.lines().forEach(lines::add);
                } catch (IOException | UncheckedIOException ended) {
                    // The process ended.
                }
            });
            URI router = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (router == null && System.nanoTime() < deadline) {
                String line = lines.poll(1, TimeUnit.SECONDS);
                Matcher url = line == null ? null : ROUTER_LINE.matcher(line);
                if (url != null && url.matches()) {
                    router = URI.create(url.group(1));
                }
                assertTrue(cli.isAlive() || !lines.isEmpty(), "gauntlet serve exited early");
            }
            assertNotNull(router, "gauntlet serve never printed the router's URL");
            children = cli.descendants().toList();
            assertEquals(3, children.size(), "two replicas and a router");

            try (HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(router.resolve("/v1/completions"))
                        .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"model\":\"gauntlet-synthetic-tiny\",\"prompt\":\"hi\",\"max_tokens\":4}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
                assertTrue(r.body().contains("\"completion_tokens\":4"), r.body());
            }
        } finally {
            cli.destroy();
            assertTrue(cli.waitFor(60, TimeUnit.SECONDS), "gauntlet serve did not stop on SIGTERM");
            for (ProcessHandle child : children) {
                child.onExit().get(30, TimeUnit.SECONDS);
                assertFalse(child.isAlive(), "an orphan was left: " + child.info().commandLine().orElse("?"));
            }
        }
    }
}
