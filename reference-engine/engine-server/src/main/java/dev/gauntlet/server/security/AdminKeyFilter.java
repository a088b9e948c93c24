package dev.gauntlet.server.security;

import dev.gauntlet.server.errors.ApiException;
import dev.gauntlet.server.web.FilterOrder;
import dev.gauntlet.server.web.Paths;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * {@code /admin/*} (the engine's assaults) and {@code /actuator/*} (Chaos Monkey) need the admin
 * key. Without a configured admin key they refuse everyone: these endpoints can break the server
 * on purpose, so they are never open by default.
 */
@Component
@Order(FilterOrder.ACCESS)
public class AdminKeyFilter extends BearerKeyFilter {
    private final KeyRing keys;

    public AdminKeyFilter(AccessSettings settings,
                          @Qualifier("handlerExceptionResolver") HandlerExceptionResolver errors) {
        super(errors);
        this.keys = new KeyRing(settings.hasAdminKey() ? List.of(settings.adminKey()) : List.of());
    }

    @Override
    boolean guards(HttpServletRequest request) {
        return Paths.under(request, "/admin") || Paths.under(request, "/actuator");
    }

    @Override
    Optional<String> accept(String presented) {
        return keys.match(presented);
    }

    @Override
    ApiException refusal(boolean keyGiven) {
        if (keys.isEmpty()) {
            return ApiException.invalidApiKey("the admin endpoints are disabled: start the server with --admin-key");
        }
        return ApiException.invalidApiKey(keyGiven ? "Incorrect admin key provided."
                : "This endpoint needs the admin key: 'Authorization: Bearer ADMIN_KEY'.");
    }
}
