package dev.gauntlet.server.api;

/**
 * The body of {@code /health} and {@code /ready}.
 *
 * @param status       {@code alive}, or the model's state for {@code /ready} ({@code ready}, {@code warming_up}, ...)
 * @param kvCacheUsage share of KV blocks in use
 */
public record ReadinessReport(String status, String model, double kvCacheUsage, int running, int waiting) {
}
