package dev.gauntlet.load.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The reference engine's own timings of a request ({@code usage.gauntlet_timings}), in milliseconds
 * from when the server read the request; NaN where the server did not report a phase.
 */
public record ServerTimings(double queueMs, double ttftMs, double e2eMs) {

    /** From a {@code gauntlet_timings} object, or null when the node is absent. */
    static ServerTimings from(JsonNode node) {
        if (node == null || !node.isObject()) {
            return null;
        }
        return new ServerTimings(number(node, "queue_ms"), number(node, "ttft_ms"), number(node, "e2e_ms"));
    }

    private static double number(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isNumber() ? v.asDouble() : Double.NaN;
    }
}
