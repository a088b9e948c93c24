package dev.gauntlet.server.admission;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The rate limiter, from {@link RateLimitSettings}; present (and idle) when rate limiting is off. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RateLimitSettings.class)
public class RateLimitConfiguration {

    @Bean
    RateLimiter rateLimiter(RateLimitSettings settings) {
        return new RateLimiter(settings, System::nanoTime);
    }
}
