package dev.gauntlet.load.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The reference engine's own timings of a request ({@code usage.gauntlet_timings}), in milliseconds
 * from when the request reached the server; NaN where the server did not report a phase.
 *
 * @param queueMs      arrival to admission into the engine's batch
 * @param ttftMs       arrival to the first content chunk flushed to the socket (comparable with the client's TTFT)
 * @param e2eMs        arrival to {@code [DONE]} written to the socket (comparable with the client's E2E)
 * @param engineTtftMs arrival to the engine sampling the first token
 * @param engineE2eMs  arrival to the engine's final event
 */
public record ServerTimings(double queueMs, double ttftMs, double e2eMs, double engineTtftMs, double engineE2eMs) {

    /** From a {@code gauntlet_timings} object, or null when the node is absent. */
    static ServerTimings from(JsonNode node) {
        if (node == null || !node.isObject()) {
            return null;
        }
        return new ServerTimings(number(node, "queue_ms"), number(node, "ttft_ms"), number(node, "e2e_ms"),
                number(node, "engine_ttft_ms"), number(node, "engine_e2e_ms"));
    }

    private static double number(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isNumber() ? v.asDouble() : Double.NaN;
    }
}
