package dev.gauntlet.server.api;

/** {@code stream_options}: {@code include_usage} adds a final chunk with the usage and empty choices. */
public record StreamOptions(Boolean includeUsage) {
}
