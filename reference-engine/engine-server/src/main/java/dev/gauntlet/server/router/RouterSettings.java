package dev.gauntlet.server.router;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The router's settings ({@code gauntlet.router.*}, filled from the command line by {@link RouterOptions}).
 *
 * @param upstreams         the replicas' base URIs ({@code http://127.0.0.1:8001})
 * @param fallback          where to send requests when the chosen replica is slow or none is available; null for none
 * @param fallbackTtftP99   a replica whose recent p99 time to first byte is above this sends its traffic to the fallback
 * @param ttftWindow        how far back the p99 looks
 * @param connectTimeout    bound on opening a connection to an upstream
 * @param firstByteTimeout  bound on an upstream's first byte of reply (status, headers and first body bytes)
 * @param idleTimeout       bound on the gap between two pieces of an upstream's reply body
 * @param healthInterval    period of the active {@code /ready} checks
 * @param breakerFailures   consecutive failures that open a replica's breaker
 * @param breakerCooldown   how long an open breaker waits before a half-open probe
 * @param maxAttempts       most upstreams tried for one request (first try included)
 * @param maxBodyBytes      largest request body accepted (it is buffered, to be sent again on a retry)
 * @param retryAfterSeconds the {@code Retry-After} of the 503 sent when no replica is available
 */
@ConfigurationProperties("gauntlet.router")
public record RouterSettings(List<URI> upstreams, URI fallback,
                             @DefaultValue("2s") Duration fallbackTtftP99,
                             @DefaultValue("30s") Duration ttftWindow,
                             @DefaultValue("2s") Duration connectTimeout,
                             @DefaultValue("60s") Duration firstByteTimeout,
                             @DefaultValue("30s") Duration idleTimeout,
                             @DefaultValue("1s") Duration healthInterval,
                             @DefaultValue("3") int breakerFailures,
                             @DefaultValue("5s") Duration breakerCooldown,
                             @DefaultValue("3") int maxAttempts,
                             @DefaultValue("1048576") int maxBodyBytes,
                             @DefaultValue("1") int retryAfterSeconds) {

    public RouterSettings {
        if (upstreams == null || upstreams.isEmpty()) {
            throw new IllegalArgumentException("the router needs at least one --upstream");
        }
        upstreams = List.copyOf(upstreams);
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("--max-attempts must be ≥ 1, got " + maxAttempts);
        }
    }
}
