package dev.gauntlet.server.security;

import dev.gauntlet.server.errors.ApiException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Requires {@code Authorization: Bearer <key>} on some paths. A filter rather than an interceptor,
 * because it must also guard paths that Spring MVC's interceptors do not see (the actuator's).
 * Refusals are written by the server's exception handler, so they carry OpenAI's error body.
 */
abstract class BearerKeyFilter extends OncePerRequestFilter {
    private static final String PREFIX = "Bearer ";

    private final HandlerExceptionResolver errors;

    BearerKeyFilter(HandlerExceptionResolver errors) {
        this.errors = errors;
    }

    /** Whether this filter guards the request's path. */
    abstract boolean guards(HttpServletRequest request);

    /** The key's id when {@code presented} is accepted; empty otherwise. */
    abstract Optional<String> accept(String presented);

    /** The refusal for a missing or wrong key. */
    abstract ApiException refusal(boolean keyGiven);

    /** Called with the accepted key's id before the request goes on. */
    void accepted(HttpServletRequest request, String keyId) {
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !guards(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String presented = bearer(request.getHeader(HttpHeaders.AUTHORIZATION));
        Optional<String> keyId = accept(presented);
        if (keyId.isEmpty()) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            errors.resolveException(request, response, null, refusal(presented != null));
            return;
        }
        accepted(request, keyId.get());
        chain.doFilter(request, response);
    }

    /** The token of a bearer header (scheme case-insensitive, as RFC 7235 says), or null. */
    private static String bearer(String header) {
        if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return null;
        }
        String token = header.substring(PREFIX.length()).strip();
        return token.isEmpty() ? null : token;
    }
}
