package dev.gauntlet.server.generation;

import dev.gauntlet.engine.sampling.SamplingParams;
import dev.gauntlet.engine.scheduler.GenerationRequest;
import dev.gauntlet.engine.scheduler.RequestRejectedException;
import dev.gauntlet.server.ServerSettings;
import dev.gauntlet.server.admission.AdmissionControl;
import dev.gauntlet.server.errors.ApiException;
import dev.gauntlet.server.metrics.ServerMetrics;
import dev.gauntlet.server.model.ModelService;
import org.springframework.stereotype.Service;

/** Admits requests into the engine, turning every refusal into the right HTTP error. */
@Service
public class GenerationService {
    private final ModelService model;
    private final AdmissionControl admission;
    private final ServerMetrics metrics;
    private final InFlightGenerations inFlight;
    private final int retryAfterSeconds;

    public GenerationService(ModelService model, AdmissionControl admission, ServerMetrics metrics,
                             InFlightGenerations inFlight, ServerSettings settings) {
        this.model = model;
        this.admission = admission;
        this.metrics = metrics;
        this.inFlight = inFlight;
        this.retryAfterSeconds = settings.retryAfterSeconds();
    }

    /**
     * Starts a request.
     *
     * @param promptParam  the request field that held the prompt ({@code prompt} or {@code messages}),
     *                     named in errors about it
     * @param arrivalNanos when the HTTP request arrived, so queue time includes parsing and tokenizing
     * @throws ApiException 503 when not ready or draining, 429 when full, 400 when the engine refuses the request
     */
    public Generation start(String requestId, int[] prompt, SamplingParams params, long arrivalNanos,
                            String promptParam) {
        Generation generation = new Generation(requestId, metrics, this::finished);
        // Registered before the readiness check: a drain that begins after the check still sees
        // this request and waits for it; one that began before makes the check refuse it.
        inFlight.add(generation);
        try {
            requireReady();
            admission.acquire();
        } catch (ApiException e) {
            inFlight.remove(generation);
            throw e;
        }
        try {
            generation.attach(model.engine().submit(
                    new GenerationRequest(requestId, prompt, params, arrivalNanos), generation));
            return generation;
        } catch (RequestRejectedException e) {
            inFlight.remove(generation);
            admission.release();
            throw rejection(e, promptParam);
        }
    }

    /** Called once per admitted generation, at its final event (on the engine thread). */
    private void finished(Generation g) {
        inFlight.remove(g);
        admission.release();
    }

    /** @throws ApiException 503 unless the model is ready ({@code draining} while the server drains) */
    public void requireReady() {
        if (model.state() == ModelService.State.DRAINING) {
            throw ApiException.draining("the server is shutting down and takes no new requests; retry on another"
                    + " replica or after a restart", retryAfterSeconds);
        }
        if (!model.isReady()) {
            throw ApiException.notReady("the model is not ready (" + model.state().name().toLowerCase(java.util.Locale.ROOT)
                    + "); see /ready");
        }
    }

    private static ApiException rejection(RequestRejectedException e, String promptParam) {
        return switch (e.reason()) {
            case EMPTY_PROMPT, INVALID_TOKEN -> ApiException.badRequest(promptParam, e.getMessage());
            case CONTEXT_LENGTH_EXCEEDED -> ApiException.badRequest(promptParam, "context_length_exceeded", e.getMessage());
            case EXCEEDS_KV_CACHE, KV_CACHE_EXHAUSTED -> ApiException.badRequest("max_tokens", e.getMessage());
            case ENGINE_STOPPED -> ApiException.notReady(e.getMessage());
        };
    }
}
