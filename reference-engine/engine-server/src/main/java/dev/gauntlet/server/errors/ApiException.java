package dev.gauntlet.server.errors;

import org.springframework.http.HttpStatus;

/**
 * A request that is answered with an OpenAI error body: {@code {"error":{"message","type","param","code"}}}.
 * Thrown anywhere while handling a request; {@link ApiExceptionHandler} writes it.
 */
public final class ApiException extends RuntimeException {
    private final HttpStatus status;
    private final String type;
    private final String param;
    private final String code;
    private final Integer retryAfterSeconds;

    private ApiException(HttpStatus status, String type, String param, String code, String message,
                         Integer retryAfterSeconds) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** HTTP 400 about one request parameter (null when it concerns the whole body). */
    public static ApiException badRequest(String param, String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, "invalid_request_error", param, null, message, null);
    }

    /** HTTP 400 with a machine-readable code, e.g. {@code context_length_exceeded}. */
    public static ApiException badRequest(String param, String code, String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, "invalid_request_error", param, code, message, null);
    }

    /** HTTP 404 for a model this server does not serve. */
    public static ApiException modelNotFound(String model, String served) {
        return new ApiException(HttpStatus.NOT_FOUND, "invalid_request_error", "model", "model_not_found",
                "the model '" + model + "' does not exist; this server serves '" + served + "'", null);
    }

    /** HTTP 413 for a body over the configured limit. */
    public static ApiException bodyTooLarge(long limit) {
        return new ApiException(HttpStatus.CONTENT_TOO_LARGE, "invalid_request_error", null, "request_too_large",
                "the request body exceeds the limit of " + limit + " bytes", null);
    }

    /** HTTP 429 when the waiting queue is full, with a {@code Retry-After}. */
    public static ApiException queueFull(int limit, int retryAfterSeconds) {
        return new ApiException(HttpStatus.TOO_MANY_REQUESTS, "rate_limit_error", null, "queue_full",
                "the server is at capacity (" + limit + " requests running or waiting); retry later",
                retryAfterSeconds);
    }

    /** HTTP 401 for a missing or wrong bearer key, as OpenAI answers it. */
    public static ApiException invalidApiKey(String message) {
        return new ApiException(HttpStatus.UNAUTHORIZED, "invalid_request_error", null, "invalid_api_key", message,
                null);
    }

    /** HTTP 429 when a client used up its request rate, with the seconds until it may send again. */
    public static ApiException rateLimited(double requestsPerSecond, int retryAfterSeconds) {
        return new ApiException(HttpStatus.TOO_MANY_REQUESTS, "rate_limit_error", null, "rate_limit_exceeded",
                "rate limit of " + requestsPerSecond + " requests per second exceeded; retry in "
                        + retryAfterSeconds + " s", retryAfterSeconds);
    }

    /** HTTP 503 for a request that arrives (or is cut off) while the server drains before shutting down. */
    public static ApiException draining(String message, int retryAfterSeconds) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "service_unavailable_error", null, "draining",
                message, retryAfterSeconds);
    }

    /** HTTP 503 while the model is not ready to serve (warming up, or shutting down). */
    public static ApiException notReady(String message) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "service_unavailable_error", null, "not_ready",
                message, null);
    }

    /** HTTP 503 when nothing can serve the request right now, with a {@code Retry-After}. */
    public static ApiException unavailable(String message, int retryAfterSeconds) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "service_unavailable_error", null, "no_upstream",
                message, retryAfterSeconds);
    }

    /** HTTP 500 for a failure inside the server or the engine. */
    public static ApiException serverError(String message) {
        return new ApiException(HttpStatus.INTERNAL_SERVER_ERROR, "server_error", null, null, message, null);
    }

    /** Any other status, for errors raised by the web framework itself (405, 415, ...). */
    public static ApiException ofStatus(HttpStatus status, String message) {
        String type = status.is5xxServerError() ? "server_error" : "invalid_request_error";
        return new ApiException(status, type, null, null, message, null);
    }

    public HttpStatus status() {
        return status;
    }

    /** The body to send. */
    public ErrorBody body() {
        return new ErrorBody(new ErrorBody.Detail(getMessage(), type, param, code));
    }

    /** Seconds for a {@code Retry-After} header, or null. */
    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
