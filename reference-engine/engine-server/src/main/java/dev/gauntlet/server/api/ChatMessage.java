package dev.gauntlet.server.api;

import tools.jackson.databind.JsonNode;

/**
 * One request message.
 *
 * @param content a string, or an array of {@code {"type":"text","text":...}} parts; null only for
 *                an assistant message
 */
public record ChatMessage(String role, JsonNode content) {
}
