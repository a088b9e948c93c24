package dev.gauntlet.server.web;

import org.springframework.core.Ordered;

/**
 * The order of the server's own servlet filters, all after Spring's (encoding, observation):
 * the request id first, so that even a refused request carries an id and is logged; then access
 * control; then rate limiting, which is keyed by the client that access control identified.
 */
public final class FilterOrder {
    /** {@link RequestIdFilter}. */
    public static final int REQUEST_ID = Ordered.LOWEST_PRECEDENCE - 30;
    /** The bearer-key filters. */
    public static final int ACCESS = Ordered.LOWEST_PRECEDENCE - 20;
    /** The per-client rate limit. */
    public static final int RATE_LIMIT = Ordered.LOWEST_PRECEDENCE - 10;

    private FilterOrder() {
    }
}
