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
     * The engine counts the request's time from its HTTP arrival, so engine and HTTP timings share an origin.
     */
    public ResponseEntity<Object> respond(PreparedRequest prepared, HttpServletRequest request,
                                          HttpServletResponse response)
            throws IOException, InterruptedException {
        RequestOutcome outcome = RequestOutcome.of(request);
        outcome.generation();
        Generation g = generations.start(outcome.requestId(), prepared.prompt(), prepared.params(),
                outcome.arrivalNanos(), prepared.promptParam());
        if (prepared.stream()) {
            stream(g, prepared, response, outcome);
            return null;
        }
        GenerationResult result = g.collect();
        FinishEvent f = result.finish();
        outcome.finished(f);
        failIfUnfinished(f, g);
        // Serialised here rather than by the converter, so that the timing header is stamped after
        // all of the server's work: what follows is the write of headers and body.
        byte[] body = json.writeValueAsBytes(prepared.format().complete(result));
        long sent = System.nanoTime();
        // The whole body is the first content a client of a non-streamed reply sees.
        outcome.firstContentSent(sent);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .header(TIMINGS_HEADER, outcome.timings(sent).header())
                .body(body);
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
                // One event at a time, each flushed before the next is taken: no batching here,
                // so a token leaves as soon as this thread runs after the engine produced it.
                GenerationEvent event = g.next();
                if (event instanceof FinishEvent f) {
                    outcome.finished(f);
                    sse.finish(closing(f, g, prepared, outcome.timings(System.nanoTime())));
                    return;
                }
                Object chunk = switch (event) {
                    case TokenEvent t -> format.tokenChunk(t);
                    case PromptLogprobsEvent p -> format.promptChunk(p);
                    default -> null;
                };
                if (chunk != null) {
                    sse.send(chunk);
                    // A token whose text is held back (a partial UTF-8 sequence) carries no content yet.
                    if (event instanceof TokenEvent t && !t.text().isEmpty()) {
                        outcome.firstContentSent(System.nanoTime());
                    }
                }
            }
        } catch (IOException clientGone) {
            // Nobody reads the rest: stop generating now so the request's KV blocks are freed.
            g.cancel();
            outcome.disconnected();
        }
    }

    /**
     * The stream's last chunks: finish reason and usage, or an error event when the engine could not finish.
     *
     * @param timings the request's timings, its end stamped as these chunks and {@code [DONE]} are written
     */
    private List<Object> closing(FinishEvent f, Generation g, PreparedRequest prepared, Timings timings) {
        List<Object> chunks = new ArrayList<>();
        try {
            failIfUnfinished(f, g);
            chunks.add(prepared.format().finishChunk(f));
            if (prepared.includeUsage()) {
                chunks.add(prepared.format().usageChunk(f, timings));
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
