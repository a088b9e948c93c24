package dev.gauntlet.server.security;

import dev.gauntlet.server.errors.ApiException;
import dev.gauntlet.server.web.FilterOrder;
import dev.gauntlet.server.web.Paths;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * When API keys are configured, {@code /v1/*} needs one of them as a bearer token (401
 * {@code invalid_api_key} otherwise); without keys the API is open. Health, readiness and
 * metrics are not under {@code /v1}, so probes and scrapers need no key.
 */
@Component
@Order(FilterOrder.ACCESS)
public class ApiKeyFilter extends BearerKeyFilter {
    /** Request attribute naming the accepted key (its id, never the key), for per-key rate limits. */
    public static final String KEY_ID_ATTRIBUTE = ApiKeyFilter.class.getName() + ".keyId";

    private final KeyRing keys;

    public ApiKeyFilter(AccessSettings settings, @Qualifier("handlerExceptionResolver") HandlerExceptionResolver errors) {
        super(errors);
        this.keys = new KeyRing(allKeys(settings));
    }

    private static List<String> allKeys(AccessSettings settings) {
        List<String> all = new ArrayList<>(settings.apiKeys());
        if (settings.apiKeysFile() != null) {
            try {
                Files.readAllLines(settings.apiKeysFile()).stream().map(String::strip)
                        .filter(line -> !line.isEmpty() && !line.startsWith("#")).forEach(all::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read --api-keys-file " + settings.apiKeysFile(), e);
            }
        }
        return all;
    }

    /** Whether requests need a key. */
    public boolean enabled() {
        return !keys.isEmpty();
    }

    @Override
    boolean guards(HttpServletRequest request) {
        return enabled() && Paths.under(request, "/v1");
    }

    @Override
    Optional<String> accept(String presented) {
        return keys.match(presented);
    }

    @Override
    ApiException refusal(boolean keyGiven) {
        return ApiException.invalidApiKey(keyGiven ? "Incorrect API key provided."
                : "You didn't provide an API key. Send it in the Authorization header: 'Authorization: Bearer YOUR_KEY'.");
    }

    @Override
    void accepted(HttpServletRequest request, String keyId) {
        request.setAttribute(KEY_ID_ATTRIBUTE, keyId);
    }
}
