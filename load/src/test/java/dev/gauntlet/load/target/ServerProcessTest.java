package dev.gauntlet.load.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Child servers on free ports: each learns its own port, and one that dies says why. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServerProcessTest {
    @TempDir
    Path dir;

    @Test
    void siblingsOnFreePortsEachReportTheirOwnPort() throws Exception {
        List<ServerProcess> servers = new ArrayList<>();
        try (HttpClient http = HttpClient.newHttpClient()) {
            for (int i = 0; i < 3; i++) {
                servers.add(ServerProcess.start("fake-" + i, FakeTarget.command(), 0, dir.resolve("fake-" + i + ".log")));
            }
            assertThrows(IllegalStateException.class, () -> servers.getFirst().url(),
                    "the port is unknown until the child reports it");
            for (ServerProcess s : servers) {
                s.awaitReady(Duration.ofSeconds(30));
                URI url = s.url();
                assertNotEquals(0, url.getPort());
                assertEquals(200, http.send(HttpRequest.newBuilder(url.resolve("/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode());
            }
            assertEquals(3, servers.stream().map(ServerProcess::url).distinct().count());
        } finally {
            for (ServerProcess s : servers) {
                s.stop(Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void aChildThatExitsBeforeReadyFailsWithTheEndOfItsLog() throws Exception {
        ServerProcess bad = ServerProcess.start("bad", FakeTarget.command("--bogus", "1"), 0, dir.resolve("bad.log"));
        IOException e = assertThrows(IOException.class, () -> bad.awaitReady(Duration.ofSeconds(30)));
        assertTrue(e.getMessage().startsWith("bad exited with code 1 before it was ready"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown option '--bogus'"), e.getMessage());
    }
}
