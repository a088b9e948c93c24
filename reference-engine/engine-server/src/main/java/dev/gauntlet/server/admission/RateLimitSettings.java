package dev.gauntlet.server.admission;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The per-client request rate ({@code gauntlet.rate-limit.*}, from {@code --rate-limit-rps} and
 * {@code --rate-limit-burst}).
 *
 * @param rps   sustained requests per second per client; 0 turns rate limiting off
 * @param burst requests a client may send at once after being idle; 0 means {@code ceil(rps)}, at least 1
 */
@ConfigurationProperties("gauntlet.rate-limit")
public record RateLimitSettings(@DefaultValue("0") double rps, @DefaultValue("0") int burst) {

    public RateLimitSettings {
        if (!(rps >= 0) || Double.isInfinite(rps)) {
            throw new IllegalArgumentException("--rate-limit-rps must be a finite number ≥ 0, got " + rps);
        }
        if (burst < 0) {
            throw new IllegalArgumentException("--rate-limit-burst must be ≥ 0, got " + burst);
        }
    }

    /** Whether requests are rate limited. */
    public boolean enabled() {
        return rps > 0;
    }

    /** The bucket size in effect. */
    public int effectiveBurst() {
        return burst > 0 ? burst : (int) Math.max(1, Math.ceil(rps));
    }
}
