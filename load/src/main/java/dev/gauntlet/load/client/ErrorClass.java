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
    /** The stream completed with {@code [DONE]} but generated no output at all. */
    EMPTY_REPLY
}
