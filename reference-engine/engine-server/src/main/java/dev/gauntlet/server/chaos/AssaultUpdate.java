package dev.gauntlet.server.chaos;

import dev.gauntlet.server.errors.ApiException;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A change to the engine's assaults, as posted to {@code /admin/assaults}; absent fields stay as
 * they are. Parsed strictly (unknown fields and out-of-range values are 400s naming the field),
 * because a silently ignored typo would make a chaos experiment measure nothing.
 *
 * @param kvHoldBackShare share of the KV cache to withhold from sequences (0..1), or null
 * @param stepDelayMs     delay added to every engine step in ms (0..{@value #MAX_STEP_DELAY_MS}), or null
 * @param failNextSteps   engine steps to fail from now on (0..{@value #MAX_FAILED_STEPS}), or null
 */
public record AssaultUpdate(Double kvHoldBackShare, Long stepDelayMs, Integer failNextSteps) {
    /** Largest step delay: beyond a minute a step is indistinguishable from a hang. */
    public static final long MAX_STEP_DELAY_MS = 60_000;
    /** Most steps to fail in one go. */
    public static final int MAX_FAILED_STEPS = 1_000_000;

    static final String KV_HOLD_BACK_SHARE = "kv_hold_back_share";
    static final String STEP_DELAY_MS = "step_delay_ms";
    static final String FAIL_NEXT_STEPS = "fail_next_steps";

    /**
     * Reads an update from a JSON object.
     *
     * @throws ApiException 400 naming the offending field
     */
    public static AssaultUpdate parse(JsonNode body) {
        if (!body.isObject()) {
            throw ApiException.badRequest(null, "expected a JSON object with " + KV_HOLD_BACK_SHARE + ", "
                    + STEP_DELAY_MS + " and/or " + FAIL_NEXT_STEPS);
        }
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            String name = field.getKey();
            if (!name.equals(KV_HOLD_BACK_SHARE) && !name.equals(STEP_DELAY_MS) && !name.equals(FAIL_NEXT_STEPS)) {
                throw ApiException.badRequest(name, "unknown assault '" + name + "'; known: " + KV_HOLD_BACK_SHARE
                        + ", " + STEP_DELAY_MS + ", " + FAIL_NEXT_STEPS);
            }
        }
        Double share = body.has(KV_HOLD_BACK_SHARE) ? number(body, KV_HOLD_BACK_SHARE, 0, 1) : null;
        Long delay = body.has(STEP_DELAY_MS) ? (long) whole(body, STEP_DELAY_MS, MAX_STEP_DELAY_MS) : null;
        Integer fail = body.has(FAIL_NEXT_STEPS) ? (int) whole(body, FAIL_NEXT_STEPS, MAX_FAILED_STEPS) : null;
        return new AssaultUpdate(share, delay, fail);
    }

    private static double number(JsonNode body, String field, double min, double max) {
        JsonNode v = body.get(field);
        if (!v.isNumber() || !(v.asDouble() >= min && v.asDouble() <= max)) {
            throw ApiException.badRequest(field, "'" + field + "' must be a number in [" + min + ", " + max
                    + "], got " + v);
        }
        return v.asDouble();
    }

    private static long whole(JsonNode body, String field, long max) {
        JsonNode v = body.get(field);
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0 || v.asLong() > max) {
            throw ApiException.badRequest(field, "'" + field + "' must be a whole number in [0, " + max + "], got " + v);
        }
        return v.asLong();
    }
}
