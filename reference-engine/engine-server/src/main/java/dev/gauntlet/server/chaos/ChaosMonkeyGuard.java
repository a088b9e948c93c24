package dev.gauntlet.server.chaos;

import dev.gauntlet.server.security.AccessSettings;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * Refuses to start the {@code chaos-monkey} profile without an admin key: that profile exposes
 * Chaos Monkey's actuator endpoints, which can slow or fail every request, and they must never be
 * reachable without one.
 */
@Configuration(proxyBeanMethods = false)
@Profile(ChaosMonkeyGuard.PROFILE)
public class ChaosMonkeyGuard {
    /** The profile that turns Chaos Monkey on (its own name for it). */
    public static final String PROFILE = "chaos-monkey";

    public ChaosMonkeyGuard(AccessSettings access) {
        if (!access.hasAdminKey()) {
            throw new IllegalStateException("the " + PROFILE + " profile needs an admin key (--admin-key) to guard"
                    + " its actuator endpoints");
        }
    }
}
