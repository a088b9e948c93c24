package dev.gauntlet.server.web;

import dev.gauntlet.server.api.ChatCompletionRequest;
import dev.gauntlet.server.api.CompletionRequest;
import dev.gauntlet.server.generation.GenerationService;
import dev.gauntlet.server.model.ModelService;
import dev.gauntlet.server.openai.ChatEndpoint;
import dev.gauntlet.server.openai.CompletionsEndpoint;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** OpenAI's generation endpoints. Bodies are read by {@link JsonBodyReader} for precise 4xx answers. */
@RestController
public class GenerationController {
    private final JsonBodyReader bodies;
    private final ModelService model;
    private final GenerationService generations;
    private final GenerationResponder responder;

    public GenerationController(JsonBodyReader bodies, ModelService model, GenerationService generations,
                                GenerationResponder responder) {
        this.bodies = bodies;
        this.model = model;
        this.generations = generations;
        this.responder = responder;
    }

    /** {@code POST /v1/completions}. */
    @PostMapping("/v1/completions")
    ResponseEntity<Object> completions(HttpServletRequest request, HttpServletResponse response)
            throws IOException, InterruptedException {
        CompletionRequest body = bodies.read(request, CompletionRequest.class);
        generations.requireReady();
        var prepared = CompletionsEndpoint.prepare(body, model, RequestOutcome.of(request).requestId(),
                Instant.now().getEpochSecond());
        return responder.respond(prepared, request, response);
    }

    /** {@code POST /v1/chat/completions}. */
    @PostMapping("/v1/chat/completions")
    ResponseEntity<Object> chat(HttpServletRequest request, HttpServletResponse response)
            throws IOException, InterruptedException {
        ChatCompletionRequest body = bodies.read(request, ChatCompletionRequest.class);
        generations.requireReady();
        var prepared = ChatEndpoint.prepare(body, model, RequestOutcome.of(request).requestId(),
                Instant.now().getEpochSecond());
        return responder.respond(prepared, request, response);
    }
}
