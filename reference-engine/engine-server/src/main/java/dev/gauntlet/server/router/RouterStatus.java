package dev.gauntlet.server.router;

import java.util.List;
import java.util.Locale;

/**
 * The router's {@code /ready} body: its own status and each replica's state.
 *
 * @param status {@code ready} when some replica can take requests, else {@code unavailable}
 */
public record RouterStatus(String status, List<Replica> upstreams) {

    /** One replica as the router sees it. */
    public record Replica(String url, boolean healthy, String breaker, int outstanding) {
    }

    /** The status of {@code balancer}'s replicas. */
    public static RouterStatus of(Balancer balancer) {
        List<Replica> replicas = balancer.upstreams().stream().map(u -> new Replica(u.label(), u.isHealthy(),
                u.breaker().state().name().toLowerCase(Locale.ROOT), u.outstanding())).toList();
        return new RouterStatus(balancer.anyAvailable() ? "ready" : "unavailable", replicas);
    }
}
