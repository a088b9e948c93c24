package dev.gauntlet.load.client;

/** Why a request failed; every failed request has exactly one. */
public enum ErrorClass {
    /** The server answered with a non-200 status (429, 503, ...). */
    HTTP_STATUS,
    /** No answer, or no end of stream, within the request timeout. */
    TIMEOUT,
    /** The connection could not be opened or failed before any response headers. */
    CONNECTION,
    /** The stream ended (or broke) before {@code data: [DONE]}: a cut reply, never a short success. */
    BROKEN_STREAM,
    /** The stream carried an error event ({@code data: {"error": ...}}). */
    ERROR_EVENT,
    /** A 200 reply with no body at all, or a stream that completed with {@code [DONE]} but no output. */
    EMPTY_REPLY,
    /** The injector gave up on it: its stage was stopped early because the target was over-saturated. */
    CANCELLED
}
