package dev.gauntlet.server.web;

import dev.gauntlet.server.metrics.ServerMetrics;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Gives every request an id ({@code x-request-id}: the client's when it sent a sane one, else a new
 * one) and echoes it on the reply; after the reply, writes one JSON line per request to the
 * {@code dev.gauntlet.server.requests} logger and counts generation requests.
 */
@Component
@Order(FilterOrder.REQUEST_ID)
public class RequestIdFilter extends OncePerRequestFilter {
    /** The request and response header carrying the id. */
    public static final String HEADER = "x-request-id";
    private static final Logger REQUESTS = LoggerFactory.getLogger("dev.gauntlet.server.requests");
    // Ids end up in response ids, headers and logs: only short, plain ones are echoed.
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final ServerMetrics metrics;
    private final JsonMapper json;

    public RequestIdFilter(ServerMetrics metrics, JsonMapper json) {
        this.metrics = metrics;
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        // The request's arrival for every server timing: taken first, so that they hold all of the
        // server's own handling, and comparable with what a client measures.
        long arrival = System.nanoTime();
        String id = resolve(request.getHeader(HEADER));
        RequestOutcome outcome = new RequestOutcome(id, arrival);
        outcome.attachTo(request);
        response.setHeader(HEADER, id);
        try {
            chain.doFilter(request, response);
        } finally {
            int status = response.getStatus();
            if (outcome.isGeneration()) {
                metrics.request(status, outcome.finishReason());
            }
            // The reply has been written and flushed (a stream ends with [DONE], a body is flushed by its converter).
            log(request, status, outcome, System.nanoTime());
        }
    }

    /** The id for a request that came with {@code given} (may be null): {@code given} when it is sane, else a new one. */
    public static String resolve(String given) {
        return given != null && SANE_ID.matcher(given).matches() ? given : UUID.randomUUID().toString().replace("-", "");
    }

    private void log(HttpServletRequest request, int status, RequestOutcome o, long endNanos) {
        if (!REQUESTS.isInfoEnabled()) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("request_id", o.requestId());
        line.put("method", request.getMethod());
        line.put("path", request.getRequestURI());
        line.put("status", status);
        line.put("duration_ms", (endNanos - o.arrivalNanos()) / 1e6);
        if (o.isGeneration()) {
            line.put("finish_reason", o.finishReason());
            line.put("prompt_tokens", o.promptTokens());
            line.put("completion_tokens", o.completionTokens());
            line.put("timings", o.timings(endNanos));
        }
        REQUESTS.info(json.writeValueAsString(line));
    }
}
