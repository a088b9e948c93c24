package dev.gauntlet.load.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A streaming OpenAI client that times every SSE chunk. Built on {@link HttpClient} rather than
 * Gatling's HTTP because its body subscriber sees each network chunk as it arrives, so every chunk
 * gets its own {@link System#nanoTime()} stamp; Gatling's SSE support stamps messages in epoch
 * milliseconds, too coarse for inter-token latencies of a millisecond or less.
 *
 * <p>Every request asks for a stream with usage ({@code stream_options.include_usage}), so that the
 * server's token count and, from the reference engine, its own timings come back in the last chunk.
 */
public final class OpenAiStreamClient implements AutoCloseable {
    private final HttpClient http;
    private final URI endpoint;
    private final ApiKind api;
    private final String model;
    private final String apiKey;
    private final Duration timeout;
    private final ObjectMapper json = new ObjectMapper();
    private final ScheduledExecutorService timer;
    private final Map<Long, Running> inFlight = new ConcurrentHashMap<>();

    /**
     * @param baseUrl the target's base URL, without {@code /v1}
     * @param apiKey  sent as a bearer token, or null
     * @param timeout longest a request may take, stream included
     */
    public OpenAiStreamClient(URI baseUrl, ApiKind api, String model, String apiKey, Duration timeout) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        this.endpoint = baseUrl.resolve(api.path());
        this.api = api;
        this.model = model;
        this.apiKey = apiKey;
        this.timeout = timeout;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("load-timeouts").unstarted(r));
    }

    /**
     * Sends one request now; the future completes (never exceptionally) once its outcome is known.
     *
     * @param sequence      the request's number in the campaign
     * @param intendedNanos when the load model scheduled it; the send time is taken here
     */
    public CompletableFuture<RequestRecord> send(long sequence, GenerationRequest request, long intendedNanos) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body(request)));
        if (apiKey != null) {
            builder.header("Authorization", "Bearer " + apiKey);
        }
        HttpRequest httpRequest = builder.build();
        long sent = System.nanoTime();
        StreamRecorder recorder = new StreamRecorder(json, sequence, intendedNanos, sent, request.knownInputTokens());
        CompletableFuture<HttpResponse<Void>> exchange = http.sendAsync(httpRequest, info -> {
            recorder.headers(info.statusCode(), info.headers().firstValue("x-request-id").orElse(null), System.nanoTime());
            return HttpResponse.BodySubscribers.fromSubscriber(new ChunkSubscriber(recorder));
        });
        exchange.whenComplete((response, failure) -> {
            if (failure != null) {
                recorder.failed(failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure,
                        System.nanoTime());
            }
        });
        var deadline = timer.schedule(() -> {
            recorder.timedOut(System.nanoTime());
            // Closing the exchange frees the connection and tells the server nobody reads any more.
            exchange.cancel(true);
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        inFlight.put(sequence, new Running(recorder, exchange));
        return recorder.result().whenComplete((r, f) -> {
            deadline.cancel(false);
            inFlight.remove(sequence);
        });
    }

    /** A request still running: when it was meant to start, and whether any output came back yet. */
    public record InFlight(long sequence, long intendedNanos, boolean answered) {
    }

    /** The requests running now. */
    public List<InFlight> inFlight() {
        return inFlight.entrySet().stream()
                .map(e -> new InFlight(e.getKey(), e.getValue().recorder().intendedNanos(), e.getValue().recorder().answered()))
                .toList();
    }

    /** Ends every running request as {@link ErrorClass#CANCELLED} with {@code reason}, closing its exchange. */
    public void cancelAll(String reason) {
        for (Running r : inFlight.values()) {
            r.recorder().cancelled(reason, System.nanoTime());
            r.exchange().cancel(true);
        }
    }

    private record Running(StreamRecorder recorder, CompletableFuture<HttpResponse<Void>> exchange) {
    }

    /** The request body: a stream with usage, and for exact output lengths the vLLM extensions. */
    private byte[] body(GenerationRequest request) {
        ObjectNode body = json.createObjectNode();
        body.put("model", model);
        if (api == ApiKind.CHAT) {
            if (request.text() == null) {
                throw new IllegalArgumentException("chat prompts are text, not token ids");
            }
            body.putArray("messages").addObject().put("role", "user").put("content", request.text());
        } else if (request.text() != null) {
            body.put("prompt", request.text());
        } else {
            var ids = body.putArray("prompt");
            for (int id : request.tokenIds()) {
                ids.add(id);
            }
        }
        body.put("max_tokens", request.maxTokens());
        if (request.exactOutput()) {
            body.put("min_tokens", request.maxTokens());
            body.put("ignore_eos", true);
        }
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        try {
            return json.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        http.close();
    }

    /** Stamps each delivery of body bytes on arrival and hands them to the recorder. */
    private static final class ChunkSubscriber implements Flow.Subscriber<List<ByteBuffer>> {
        private final StreamRecorder recorder;

        ChunkSubscriber(StreamRecorder recorder) {
            this.recorder = recorder;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            long now = System.nanoTime();
            for (ByteBuffer b : buffers) {
                recorder.body(b, now);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            recorder.failed(throwable, System.nanoTime());
        }

        @Override
        public void onComplete() {
            recorder.complete(System.nanoTime());
        }
    }
}
