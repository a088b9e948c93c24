package dev.gauntlet.server.security;

import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Who may call the server ({@code gauntlet.access.*}, filled from {@code --api-key},
 * {@code --api-keys-file} and {@code --admin-key}).
 *
 * @param apiKeys     bearer keys accepted on {@code /v1/*}; with {@code apiKeysFile}, empty means the API is open
 * @param apiKeysFile a file of further API keys, one a line ({@code #} comments and blank lines skipped), or null
 * @param adminKey    the bearer key of {@code /admin/*} and {@code /actuator/*}, or null: then those stay closed
 */
@ConfigurationProperties("gauntlet.access")
public record AccessSettings(List<String> apiKeys, Path apiKeysFile, String adminKey) {

    public AccessSettings {
        apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
        if (adminKey != null && adminKey.isBlank()) {
            throw new IllegalArgumentException("--admin-key must not be blank");
        }
    }

    /** Whether an admin key is configured (the admin endpoints are usable). */
    public boolean hasAdminKey() {
        return adminKey != null;
    }
}
