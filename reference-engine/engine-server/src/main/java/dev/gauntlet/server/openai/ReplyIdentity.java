package dev.gauntlet.server.openai;

/**
 * What every reply and chunk of one request repeats.
 *
 * @param id      the response id (contains the request id)
 * @param created Unix seconds of arrival
 * @param model   the served model's name
 */
record ReplyIdentity(String id, long created, String model) {
}
