package dev.gauntlet.server.lifecycle;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the server drains before it stops ({@code gauntlet.drain.*}, from {@code --drain-timeout}).
 *
 * @param timeout     how long running generations may take to finish once shutdown begins
 * @param cancelGrace after the timeout, how long the cancelled ones get to send their last event
 */
@ConfigurationProperties("gauntlet.drain")
public record DrainSettings(@DefaultValue("30s") Duration timeout, @DefaultValue("5s") Duration cancelGrace) {

    public DrainSettings {
        if (timeout.isNegative() || cancelGrace.isNegative()) {
            throw new IllegalArgumentException("drain durations must be ≥ 0, got " + timeout + " and " + cancelGrace);
        }
    }
}
