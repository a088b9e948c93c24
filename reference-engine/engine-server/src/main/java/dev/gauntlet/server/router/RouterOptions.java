package dev.gauntlet.server.router;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The router's command-line options (a picocli mixin of the server's command), turned into
 * {@code gauntlet.router.*} properties. Options left out keep {@link RouterSettings}' defaults.
 */
public final class RouterOptions {
    @Option(names = "--upstream", paramLabel = "URL", description = "A replica's base URL, e.g. http://127.0.0.1:8001 (repeat per replica; --role router).")
    List<String> upstreams = new ArrayList<>();

    @Option(names = "--fallback", paramLabel = "URL", description = "Route used when the chosen replica's recent p99 TTFT is above --fallback-ttft-p99, or none is available.")
    String fallback;

    @Option(names = "--fallback-ttft-p99", paramLabel = "DURATION", description = "Replica p99 TTFT above which the fallback takes its traffic (default 2s).")
    String fallbackTtftP99;

    @Option(names = "--upstream-first-byte-timeout", paramLabel = "DURATION", description = "Bound on a replica's first reply byte (default 60s).")
    String firstByteTimeout;

    @Option(names = "--upstream-idle-timeout", paramLabel = "DURATION", description = "Bound on the gap between reply bytes (default 30s).")
    String idleTimeout;

    @Option(names = "--health-interval", paramLabel = "DURATION", description = "Period of the /ready checks (default 1s).")
    String healthInterval;

    @Option(names = "--breaker-failures", paramLabel = "K", description = "Consecutive failures that open a replica's breaker (default 3).")
    Integer breakerFailures;

    @Option(names = "--breaker-cooldown", paramLabel = "DURATION", description = "Open time before a half-open probe (default 5s).")
    String breakerCooldown;

    @Option(names = "--max-attempts", paramLabel = "N", description = "Most replicas tried per request (default 3).")
    Integer maxAttempts;

    /** The Spring properties for these options (durations as Spring reads them: 500ms, 2s, PT2S). */
    public Map<String, Object> properties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(RouterApplication.ROLE_PROPERTY, RouterApplication.ROUTER_ROLE);
        p.put("gauntlet.router.upstreams", String.join(",", upstreams));
        putIfSet(p, "fallback", fallback);
        putIfSet(p, "fallback-ttft-p99", fallbackTtftP99);
        putIfSet(p, "first-byte-timeout", firstByteTimeout);
        putIfSet(p, "idle-timeout", idleTimeout);
        putIfSet(p, "health-interval", healthInterval);
        putIfSet(p, "breaker-failures", breakerFailures);
        putIfSet(p, "breaker-cooldown", breakerCooldown);
        putIfSet(p, "max-attempts", maxAttempts);
        return p;
    }

    private static void putIfSet(Map<String, Object> p, String name, Object value) {
        if (value != null) {
            p.put("gauntlet.router." + name, value);
        }
    }
}
