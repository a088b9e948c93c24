package dev.gauntlet.server.router;

import dev.gauntlet.server.web.JsonBodyReader;
import dev.gauntlet.server.web.RequestIdFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The router's HTTP face: OpenAI's endpoints forwarded to the replicas, and its own liveness,
 * readiness and metrics. Conditional on the router role, because the server's component scan sees
 * this package too.
 */
@RestController
@ConditionalOnProperty(name = RouterApplication.ROLE_PROPERTY, havingValue = RouterApplication.ROUTER_ROLE)
public class RouterController {
    private final Forwarder forwarder;
    private final Balancer balancer;
    private final RouterMetrics metrics;
    private final RouterSettings settings;

    public RouterController(Forwarder forwarder, Balancer balancer, RouterMetrics metrics, RouterSettings settings) {
        this.forwarder = forwarder;
        this.balancer = balancer;
        this.metrics = metrics;
        this.settings = settings;
    }

    /** {@code POST /v1/completions} and {@code /v1/chat/completions}, forwarded as they came. */
    @PostMapping({"/v1/completions", "/v1/chat/completions"})
    void generate(HttpServletRequest request, HttpServletResponse response) throws IOException, InterruptedException {
        String id = requestId(request, response);
        forward(request, response, id, JsonBodyReader.readBounded(request, settings.maxBodyBytes()));
    }

    /** {@code GET /v1/models}, from any replica (they all serve the same model). */
    @GetMapping("/v1/models")
    void models(HttpServletRequest request, HttpServletResponse response) throws IOException, InterruptedException {
        forward(request, response, requestId(request, response), null);
    }

    /** {@code GET /health}: the router process answers. */
    @GetMapping("/health")
    Map<String, String> health() {
        return Map.of("status", "alive");
    }

    /** {@code GET /ready}: 200 while some replica can take requests, else 503; lists each replica's state. */
    @GetMapping("/ready")
    ResponseEntity<RouterStatus> ready() {
        RouterStatus status = RouterStatus.of(balancer);
        return ResponseEntity.status(balancer.anyAvailable() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .body(status);
    }

    /** {@code GET /metrics}: the router's own metrics, Prometheus text format. */
    @GetMapping("/metrics")
    void metrics(HttpServletResponse response) throws IOException {
        response.setContentType(RouterMetrics.CONTENT_TYPE);
        metrics.write(response.getOutputStream());
    }

    /** The request's id (the client's when sane, else a new one), echoed on the reply and sent upstream. */
    private static String requestId(HttpServletRequest request, HttpServletResponse response) {
        String id = RequestIdFilter.resolve(request.getHeader(RequestIdFilter.HEADER));
        response.setHeader(RequestIdFilter.HEADER, id);
        return id;
    }

    private void forward(HttpServletRequest request, HttpServletResponse response, String id, byte[] body)
            throws IOException, InterruptedException {
        String query = request.getQueryString();
        String path = request.getRequestURI() + (query == null ? "" : "?" + query);
        forwarder.forward(new Forwarder.Call(request.getMethod(), path, body, request.getContentType(),
                request.getHeader("Authorization"), id), response);
    }
}
