package dev.gauntlet.server.router;

import dev.gauntlet.server.errors.ApiException;
import dev.gauntlet.server.sse.SseWriter;
import dev.gauntlet.server.web.RequestIdFilter;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends a client's request to a replica and relays the reply, piece by piece as it arrives.
 *
 * <p>A request goes to another replica (up to {@code maxAttempts} in all) only while nothing has
 * reached the client: a refused or reset connection, a timeout or a 5xx before the reply's first body
 * bytes. Once bytes went out, a broken upstream ends an SSE stream with an OpenAI error event and no
 * {@code [DONE]}, so that a client never mistakes a cut stream for a complete one.
 */
public final class Forwarder {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    /** Reply headers passed on to the client (hop-by-hop and framing headers are the router's own). */
    private static final List<String> RELAYED_HEADERS = List.of("content-type", "cache-control", "retry-after",
            "x-gauntlet-timings");
    /** A 5xx body is kept (to relay it if no replica does better) up to this size. */
    private static final int MAX_ERROR_BODY = 64 * 1024;

    /**
     * A client request to forward.
     *
     * @param pathAndQuery  e.g. {@code /v1/completions}
     * @param body          the request body, or null for none
     * @param contentType   its content type, or null
     * @param authorization the client's {@code Authorization} header, or null (replicas check keys themselves)
     * @param requestId     the id passed on as {@code x-request-id}
     */
    public record Call(String method, String pathAndQuery, byte[] body, String contentType, String authorization,
                       String requestId) {
    }

    private final Balancer balancer;
    private final Upstream fallback;
    private final HttpClient http;
    private final RouterSettings settings;
    private final RouterMetrics metrics;
    private final JsonMapper json;

    /** @param fallback the fallback route, or null for none */
    public Forwarder(Balancer balancer, Upstream fallback, HttpClient http, RouterSettings settings,
                     RouterMetrics metrics, JsonMapper json) {
        this.balancer = balancer;
        this.fallback = fallback;
        this.http = http;
        this.settings = settings;
        this.metrics = metrics;
        this.json = json;
    }

    /**
     * Forwards {@code call} and writes the reply to {@code response}.
     *
     * @throws ApiException HTTP 503 (with {@code Retry-After}) when no replica could take it, 504 when
     *                      none answered in time
     */
    public void forward(Call call, HttpServletResponse response) throws IOException, InterruptedException {
        Set<Upstream> tried = new HashSet<>();
        UpstreamFailure last = null;
        for (int attempt = 0; attempt < settings.maxAttempts(); attempt++) {
            Upstream target = choose(tried);
            if (target == null) {
                break;
            }
            if (attempt > 0) {
                metrics.retry();
            }
            tried.add(target);
            try {
                exchange(target, call, response);
                return;
            } catch (UpstreamFailure f) {
                LOG.warn("request {}: {} failed before any reply byte ({}): {}", call.requestId(), target,
                        f.kind().label(), f.getMessage());
                last = f;
            }
        }
        answerUnserved(last, response);
    }

    /** The replica for the next attempt (its request begun), the fallback when that one is slow, or null. */
    private Upstream choose(Set<Upstream> tried) {
        Upstream pick = balancer.pick(tried);
        boolean slow = pick == null || pick.ttftP99Nanos() > settings.fallbackTtftP99().toNanos();
        if (fallback != null && slow && !tried.contains(fallback) && fallback.tryBegin()) {
            if (pick != null) {
                pick.finish(Upstream.Outcome.NEUTRAL);
            }
            metrics.fallback();
            return fallback;
        }
        return pick;
    }

    /** One attempt on {@code target}; returns once the reply was relayed (whole, cut, or the client left). */
    private void exchange(Upstream target, Call call, HttpServletResponse response)
            throws UpstreamFailure, InterruptedException {
        UpstreamBody body = new UpstreamBody();
        Upstream.Outcome outcome = Upstream.Outcome.NEUTRAL;
        try {
            outcome = relay(target, call, body, response);
        } catch (UpstreamFailure f) {
            outcome = Upstream.Outcome.FAILURE;
            metrics.upstreamError(target, f.kind());
            throw f;
        } finally {
            body.cancel();
            target.finish(outcome);
        }
    }

    /**
     * Relays the reply of {@code target}.
     *
     * @throws UpstreamFailure when it failed before any byte reached the client (the caller may retry)
     */
    private Upstream.Outcome relay(Upstream target, Call call, UpstreamBody body, HttpServletResponse response)
            throws UpstreamFailure, InterruptedException {
        long start = System.nanoTime();
        long firstByteDeadline = start + settings.firstByteTimeout().toNanos();
        HttpResponse<Flow.Publisher<List<ByteBuffer>>> reply = send(target, call, firstByteDeadline);
        reply.body().subscribe(body);
        int status = reply.statusCode();
        metrics.upstreamRequest(target, status);
        if (status >= 500) {
            throw UpstreamFailure.status(target, new UpstreamFailure.Relayable(status,
                    reply.headers().firstValue("content-type").orElse(null), readError(body)));
        }
        List<ByteBuffer> piece = body.next(firstByteDeadline - System.nanoTime());
        target.recordTtft(System.nanoTime() - start);
        // From here on the client gets bytes: no retry any more.
        response.setStatus(status);
        for (String name : RELAYED_HEADERS) {
            reply.headers().firstValue(name).ifPresent(v -> response.setHeader(name, v));
        }
        boolean eventStream = reply.headers().firstValue("content-type").orElse("").startsWith("text/event-stream");
        try {
            OutputStream out = response.getOutputStream();
            while (piece != null) {
                for (ByteBuffer b : piece) {
                    out.write(bytes(b));
                }
                out.flush();
                try {
                    piece = body.next(settings.idleTimeout().toNanos());
                } catch (UpstreamFailure cut) {
                    metrics.upstreamError(target, cut.kind());
                    endCut(call, target, cut, eventStream, out);
                    return Upstream.Outcome.FAILURE;
                }
            }
            return Upstream.Outcome.SUCCESS;
        } catch (IOException clientGone) {
            // Nobody reads the rest; cancelling the body (by the caller) closes the upstream connection,
            // so that the replica stops generating too.
            return Upstream.Outcome.NEUTRAL;
        }
    }

    /** Sends the request; returns at the reply's headers, its body still to be read. */
    private HttpResponse<Flow.Publisher<List<ByteBuffer>>> send(Upstream target, Call call, long deadline)
            throws UpstreamFailure, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(call.pathAndQuery()))
                .timeout(settings.firstByteTimeout())
                .header(RequestIdFilter.HEADER, call.requestId())
                .method(call.method(), call.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(call.body()));
        if (call.contentType() != null) {
            request.header("Content-Type", call.contentType());
        }
        if (call.authorization() != null) {
            request.header("Authorization", call.authorization());
        }
        CompletableFuture<HttpResponse<Flow.Publisher<List<ByteBuffer>>>> sent = http.sendAsync(request.build(),
                HttpResponse.BodyHandlers.ofPublisher());
        try {
            return sent.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            sent.cancel(true);
            throw new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT,
                    "no reply within " + settings.firstByteTimeout().toMillis() + " ms", e);
        } catch (InterruptedException e) {
            sent.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            UpstreamFailure.Kind kind = cause instanceof HttpTimeoutException ? UpstreamFailure.Kind.TIMEOUT
                    : UpstreamFailure.Kind.CONNECT;
            throw new UpstreamFailure(kind, String.valueOf(cause), cause);
        }
    }

    /** A 5xx reply's body, whole up to {@link #MAX_ERROR_BODY}. */
    private byte[] readError(UpstreamBody body) throws UpstreamFailure, InterruptedException {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        for (List<ByteBuffer> piece; (piece = body.next(settings.idleTimeout().toNanos())) != null
                && kept.size() < MAX_ERROR_BODY; ) {
            for (ByteBuffer b : piece) {
                kept.writeBytes(bytes(b));
            }
        }
        return kept.toByteArray();
    }

    /** A buffer's bytes (the HTTP client's buffers may be read-only, so without {@code array()}). */
    private static byte[] bytes(ByteBuffer b) {
        byte[] copy = new byte[b.remaining()];
        b.get(copy);
        return copy;
    }

    /**
     * Ends a reply whose upstream broke off: an SSE stream gets an error event (and no {@code [DONE]});
     * any other body cannot be marked as cut, so the client connection is aborted instead of finished.
     */
    private void endCut(Call call, Upstream target, UpstreamFailure cut, boolean eventStream, OutputStream out)
            throws IOException {
        LOG.warn("request {}: {} broke off its reply ({}): {}", call.requestId(), target, cut.kind().label(),
                cut.getMessage());
        if (!eventStream) {
            throw new IllegalStateException("the upstream reply broke off; aborting the client connection", cut);
        }
        ApiException error = ApiException.ofStatus(HttpStatus.BAD_GATEWAY,
                "the upstream broke off the stream (" + cut.kind().label() + "): " + cut.getMessage());
        new SseWriter(out, json).send(error.body());
    }

    /** Answers a request that no upstream served: the last 5xx as it came, or the router's own error. */
    private void answerUnserved(UpstreamFailure last, HttpServletResponse response) throws IOException {
        if (last != null && last.reply() != null) {
            UpstreamFailure.Relayable reply = last.reply();
            response.setStatus(reply.status());
            if (reply.contentType() != null) {
                response.setContentType(reply.contentType());
            }
            response.getOutputStream().write(reply.body());
            return;
        }
        if (last != null && last.kind() == UpstreamFailure.Kind.TIMEOUT) {
            throw ApiException.ofStatus(HttpStatus.GATEWAY_TIMEOUT, "no upstream answered in time: "
                    + last.getMessage());
        }
        throw ApiException.unavailable(last == null ? "no upstream is available"
                : "no upstream could take the request; last error: " + last.getMessage(), settings.retryAfterSeconds());
    }
}
