package dev.gauntlet.server.web;

import dev.gauntlet.engine.scheduler.FinishEvent;
import dev.gauntlet.engine.scheduler.FinishReason;
import dev.gauntlet.engine.scheduler.GenerationEvent;
import dev.gauntlet.engine.scheduler.PromptLogprobsEvent;
import dev.gauntlet.engine.scheduler.TokenEvent;
import dev.gauntlet.server.api.Timings;
import dev.gauntlet.server.errors.ApiException;
import dev.gauntlet.server.generation.Generation;
import dev.gauntlet.server.generation.GenerationResult;
import dev.gauntlet.server.generation.GenerationService;
import dev.gauntlet.server.openai.PreparedRequest;
import dev.gauntlet.server.openai.ReplyFormat;
import dev.gauntlet.server.sse.SseWriter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs a prepared request through the engine and answers it, whole or streamed; shared by both
 * generation endpoints, which differ only in their {@link ReplyFormat}.
 */
@Component
public class GenerationResponder {
    /** The non-streamed replies' timing header. */
    public static final String TIMINGS_HEADER = "x-gauntlet-timings";

    private final GenerationService generations;
    private final JsonMapper json;

    public GenerationResponder(GenerationService generations, JsonMapper json) {
        this.generations = generations;
        this.json = json;
    }

    /**
     * Answers the request: returns the reply entity, or null once a stream was written to {@code response}.
     *
     * @param arrivalNanos when the request arrived
     */
    public ResponseEntity<Object> respond(PreparedRequest prepared, HttpServletRequest request,
                                          HttpServletResponse response, long arrivalNanos)
            throws IOException, InterruptedException {
        RequestOutcome outcome = RequestOutcome.of(request);
        outcome.generation();
        Generation g = generations.start(outcome.requestId(), prepared.prompt(), prepared.params(), arrivalNanos,
                prepared.promptParam());
        if (prepared.stream()) {
            stream(g, prepared, response, outcome);
            return null;
        }
        GenerationResult result = g.collect();
        FinishEvent f = result.finish();
        outcome.finished(f);
        failIfUnfinished(f, g);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .header(TIMINGS_HEADER, Timings.of(f.timings()).header())
                .body(prepared.format().complete(result));
    }

    private void stream(Generation g, PreparedRequest prepared, HttpServletResponse response, RequestOutcome outcome)
            throws IOException, InterruptedException {
        ReplyFormat format = prepared.format();
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(MediaType.TEXT_EVENT_STREAM_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-cache");
        SseWriter sse = new SseWriter(response.getOutputStream(), json);
        try {
            for (Object chunk : format.opening()) {
                sse.send(chunk);
            }
            while (true) {
                GenerationEvent event = g.next();
                if (event instanceof FinishEvent f) {
                    outcome.finished(f);
                    for (Object chunk : closing(f, g, prepared)) {
                        sse.send(chunk);
                    }
                    sse.done();
                    return;
                }
                Object chunk = switch (event) {
                    case TokenEvent t -> format.tokenChunk(t);
                    case PromptLogprobsEvent p -> format.promptChunk(p);
                    default -> null;
                };
                if (chunk != null) {
                    sse.send(chunk);
                }
            }
        } catch (IOException clientGone) {
            // Nobody reads the rest: stop generating now so the request's KV blocks are freed.
            g.cancel();
            outcome.disconnected();
        }
    }

    /** The stream's last chunks: finish reason and usage, or an error event when the engine could not finish. */
    private List<Object> closing(FinishEvent f, Generation g, PreparedRequest prepared) {
        List<Object> chunks = new ArrayList<>();
        try {
            failIfUnfinished(f, g);
            chunks.add(prepared.format().finishChunk(f));
            if (prepared.includeUsage()) {
                chunks.add(prepared.format().usageChunk(f, Timings.of(f.timings())));
            }
        } catch (ApiException e) {
            // Headers are already sent: the error travels as a data event, as vLLM does.
            chunks.add(e.body());
        }
        return chunks;
    }

    /**
     * @throws ApiException for a request the engine ended without a reply (fault, run-time rejection,
     *                      shutdown), or the server's own reason when it cut the request off (drain)
     */
    private static void failIfUnfinished(FinishEvent f, Generation g) {
        if (f.reason() == FinishReason.CANCELLED && g.abortReason() != null) {
            throw g.abortReason();
        }
        if (f.reason() == FinishReason.ERROR) {
            throw ApiException.serverError("generation failed: " + f.message());
        }
        if (f.reason() == FinishReason.REJECTED || f.reason() == FinishReason.CANCELLED) {
            throw ApiException.notReady("the request could not be completed: " + f.message());
        }
    }
}
