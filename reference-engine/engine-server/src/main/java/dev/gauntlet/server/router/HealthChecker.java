package dev.gauntlet.server.router;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Active health checks: every {@code interval}, asks each replica's {@code /ready} and marks it
 * healthy on HTTP 200, unhealthy on anything else (other status, refused, no answer within the interval).
 */
public final class HealthChecker implements AutoCloseable {
    private final List<Upstream> upstreams;
    private final HttpClient http;
    private final Duration interval;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("router-health").factory());

    public HealthChecker(List<Upstream> upstreams, HttpClient http, Duration interval) {
        this.upstreams = List.copyOf(upstreams);
        this.http = http;
        this.interval = interval;
    }

    /** Starts the checks (the first at once). */
    public void start() {
        timer.scheduleWithFixedDelay(this::checkAll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Checks every replica once, concurrently, so that a stalled one delays nobody. */
    void checkAll() {
        for (Upstream u : upstreams) {
            HttpRequest ready = HttpRequest.newBuilder(u.resolve("/ready")).timeout(interval).GET().build();
            http.sendAsync(ready, HttpResponse.BodyHandlers.discarding())
                    .whenComplete((reply, error) -> u.markHealthy(error == null && reply.statusCode() == 200));
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
