package dev.gauntlet.server.router;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/** Least-outstanding-requests balancing over the available (healthy, breaker not open) replicas. */
public final class Balancer {
    private final List<Upstream> upstreams;
    private int cursor;

    public Balancer(List<Upstream> upstreams) {
        if (upstreams.isEmpty()) {
            throw new IllegalArgumentException("the router needs at least one upstream (--upstream)");
        }
        this.upstreams = List.copyOf(upstreams);
    }

    /** The replicas, in configuration order. */
    public List<Upstream> upstreams() {
        return upstreams;
    }

    /**
     * Picks the available replica with the fewest requests in flight, skipping {@code excluded}, and
     * begins a request on it (the caller must {@link Upstream#finish} it); null when none is available.
     * Ties go round-robin, so that an idle pool is spread evenly.
     */
    public synchronized Upstream pick(Set<Upstream> excluded) {
        int n = upstreams.size();
        int start = cursor++ % n;
        // Synchronized so that concurrent picks see each other's outstanding counts.
        List<Upstream> rotated = IntStream.range(0, n).mapToObj(i -> upstreams.get((start + i) % n))
                .filter(u -> !excluded.contains(u) && u.isAvailable())
                .sorted(Comparator.comparingInt(Upstream::outstanding)).toList();
        for (Upstream u : rotated) {
            if (u.tryBegin()) {
                return u;
            }
        }
        return null;
    }

    /** Whether any replica could take a request now. */
    public boolean anyAvailable() {
        return upstreams.stream().anyMatch(Upstream::isAvailable);
    }
}
