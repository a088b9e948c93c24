package dev.gauntlet.server.web;

import dev.gauntlet.engine.scheduler.EngineStats;
import dev.gauntlet.server.api.ModelList;
import dev.gauntlet.server.api.ReadinessReport;
import dev.gauntlet.server.metrics.ServerMetrics;
import dev.gauntlet.server.model.ModelService;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The model list, liveness, readiness and metrics. */
@RestController
public class StatusController {
    private final ModelService model;
    private final ServerMetrics metrics;

    public StatusController(ModelService model, ServerMetrics metrics) {
        this.model = model;
        this.metrics = metrics;
    }

    /** {@code GET /v1/models}: the one served model. */
    @GetMapping("/v1/models")
    ModelList models() {
        return new ModelList("list", List.of(new ModelList.ModelCard(model.name(), "model",
                model.loadedAt().getEpochSecond(), "gauntlet", model.contextLength())));
    }

    /** {@code GET /health}: the process answers (whatever the model's state). */
    @GetMapping("/health")
    ReadinessReport health() {
        return report("alive");
    }

    /** {@code GET /ready}: 200 once the model is loaded and warmed up, 503 before and while shutting down. */
    @GetMapping("/ready")
    ResponseEntity<ReadinessReport> ready() {
        ReadinessReport body = report(model.state().name().toLowerCase(Locale.ROOT));
        return ResponseEntity.status(model.isReady() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(body);
    }

    /** {@code GET /metrics}: Prometheus text format. */
    @GetMapping("/metrics")
    void metrics(HttpServletResponse response) throws IOException {
        response.setContentType(ServerMetrics.CONTENT_TYPE);
        metrics.write(response.getOutputStream());
    }

    private ReadinessReport report(String status) {
        EngineStats s = model.engine().stats();
        return new ReadinessReport(status, model.name(), s.kvUsage(), s.running(), s.waiting());
    }
}
