package dev.gauntlet.server.admission;

import dev.gauntlet.server.errors.ApiException;
import dev.gauntlet.server.security.ApiKeyFilter;
import dev.gauntlet.server.web.FilterOrder;
import dev.gauntlet.server.web.Paths;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Applies the {@link RateLimiter} to {@code /v1/*}, per API key (after {@link ApiKeyFilter} has
 * accepted it) or per client address when keys are off. Runs before the body is read, so a
 * refused client costs no parsing or tokenizing.
 */
@Component
@Order(FilterOrder.RATE_LIMIT)
public class RateLimitFilter extends OncePerRequestFilter {
    private final RateLimiter limiter;
    private final HandlerExceptionResolver errors;

    public RateLimitFilter(RateLimiter limiter, @Qualifier("handlerExceptionResolver") HandlerExceptionResolver errors) {
        this.limiter = limiter;
        this.errors = errors;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !limiter.enabled() || !Paths.under(request, "/v1");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Object keyId = request.getAttribute(ApiKeyFilter.KEY_ID_ATTRIBUTE);
        String client = keyId != null ? "key:" + keyId : "addr:" + request.getRemoteAddr();
        try {
            limiter.acquire(client);
        } catch (ApiException refused) {
            errors.resolveException(request, response, null, refused);
            return;
        }
        chain.doFilter(request, response);
    }
}
