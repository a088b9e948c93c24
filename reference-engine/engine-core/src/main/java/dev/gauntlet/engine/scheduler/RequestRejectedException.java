package dev.gauntlet.engine.scheduler;

/**
 * Thrown by {@link InferenceEngine#submit} when a request can never run; the message names the
 * offending value (a server answers HTTP 400, or 503 for {@link RejectionReason#ENGINE_STOPPED}).
 */
public final class RequestRejectedException extends RuntimeException {
    private final RejectionReason reason;

    public RequestRejectedException(RejectionReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public RejectionReason reason() {
        return reason;
    }
}
