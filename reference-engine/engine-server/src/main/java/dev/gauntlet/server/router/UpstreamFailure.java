package dev.gauntlet.server.router;

import java.util.Locale;

/** An upstream that could not give (the rest of) a reply. Checked, so that every caller decides: retry or cut. */
public final class UpstreamFailure extends Exception {
    /** What went wrong; the {@code kind} label of {@code llm_router_upstream_errors_total}. */
    public enum Kind {
        /** No connection (refused, reset or closed before the reply's headers). */
        CONNECT,
        /** No first byte, or no next byte, within the configured bound. */
        TIMEOUT,
        /** A 5xx status. */
        STATUS,
        /** The reply body broke off (connection reset, truncated chunked body). */
        BROKEN;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Kind kind;
    private final transient Relayable reply;

    /** A 5xx reply kept whole, to be relayed when no other upstream does better. */
    public record Relayable(int status, String contentType, byte[] body) {
    }

    public UpstreamFailure(Kind kind, String message, Throwable cause) {
        this(kind, message, cause, null);
    }

    private UpstreamFailure(Kind kind, String message, Throwable cause, Relayable reply) {
        super(message, cause);
        this.kind = kind;
        this.reply = reply;
    }

    /** A 5xx answer. */
    public static UpstreamFailure status(Upstream upstream, Relayable reply) {
        return new UpstreamFailure(Kind.STATUS, upstream + " answered HTTP " + reply.status(), null, reply);
    }

    public Kind kind() {
        return kind;
    }

    /** The upstream's 5xx reply, or null for failures without one. */
    public Relayable reply() {
        return reply;
    }
}
