package dev.gauntlet.server.router;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One server behind the router, as the router sees it: its health (from active checks and from its
 * answers), circuit breaker, requests in flight and recent time to first byte.
 */
public final class Upstream {
    /** How a request sent to this upstream ended, for its breaker and health. */
    public enum Outcome {
        /** It answered (any status below 500). */
        SUCCESS,
        /** Connection error, timeout, 5xx or a broken stream. */
        FAILURE,
        /** Nothing learnt about the replica (the client went away, or the request was not sent). */
        NEUTRAL
    }

    private final URI uri;
    private final CircuitBreaker breaker;
    private final TtftWindow ttft;
    private final boolean activelyChecked;
    private final AtomicInteger outstanding = new AtomicInteger();
    private volatile boolean healthy;

    /**
     * @param activelyChecked whether a health checker polls it: only then does a failure mark it unhealthy
     *                        (the checker marks it healthy again); others start and stay healthy, and
     *                        rely on their breaker alone
     */
    public Upstream(URI uri, CircuitBreaker breaker, TtftWindow ttft, boolean activelyChecked) {
        this.uri = uri;
        this.breaker = breaker;
        this.ttft = ttft;
        this.activelyChecked = activelyChecked;
        this.healthy = !activelyChecked;
    }

    /** The base URI ({@code http://host:port}). */
    public URI uri() {
        return uri;
    }

    /** The {@code upstream} label of the router's metrics. */
    public String label() {
        return uri.toString();
    }

    /** The URI of {@code pathAndQuery} on this upstream. */
    public URI resolve(String pathAndQuery) {
        return URI.create(label().replaceAll("/+$", "") + pathAndQuery);
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    public boolean isHealthy() {
        return healthy;
    }

    /** Sets the health found by an active check. */
    public void markHealthy(boolean healthy) {
        this.healthy = healthy;
    }

    /** Requests sent to it and not finished yet. */
    public int outstanding() {
        return outstanding.get();
    }

    /** Whether a new request may go to it now (healthy and breaker letting requests through). */
    public boolean isAvailable() {
        return healthy && breaker.isAvailable();
    }

    /** The 99th percentile of its recent time to first byte in nanoseconds, or -1 when unknown. */
    public long ttftP99Nanos() {
        return ttft.p99Nanos();
    }

    /** Records a reply's time to first byte. */
    public void recordTtft(long nanos) {
        ttft.record(nanos);
    }

    /** Takes a request slot: asks the breaker, and counts the request as outstanding when it may go. */
    boolean tryBegin() {
        if (!breaker.tryAcquire()) {
            return false;
        }
        outstanding.incrementAndGet();
        return true;
    }

    /** Ends a request begun with {@link #tryBegin}. */
    public void finish(Outcome outcome) {
        outstanding.decrementAndGet();
        switch (outcome) {
            case SUCCESS -> breaker.onSuccess();
            case FAILURE -> {
                breaker.onFailure();
                if (activelyChecked) {
                    // Passive check: stop sending it traffic until the next active check finds it ready.
                    healthy = false;
                }
            }
            case NEUTRAL -> breaker.release();
        }
    }

    @Override
    public String toString() {
        return label();
    }
}
