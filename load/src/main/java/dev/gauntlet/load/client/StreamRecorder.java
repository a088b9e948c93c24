package dev.gauntlet.load.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.load.sse.SseEvent;
import dev.gauntlet.load.sse.SseListener;
import dev.gauntlet.load.sse.SseParser;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * Follows one streamed OpenAI reply and turns it into a {@link RequestRecord}: feeds the body's
 * bytes to an {@link SseParser}, reads each event as an OpenAI chunk, and completes exactly once,
 * with the first verdict reached (an error event, a cut stream and a timeout all end it).
 *
 * <p>Body bytes arrive on one thread at a time (the HTTP client's subscriber contract); a timeout
 * may arrive from another, hence the synchronized verdict.
 */
final class StreamRecorder implements SseListener {
    private static final int ERROR_BODY_LIMIT = 2048;

    private final ObjectMapper json;
    private final long sequence;
    private final long intendedNanos;
    private final long sentNanos;
    private final int knownInputTokens;
    private final SseParser parser = new SseParser(this);
    private final CompletableFuture<RequestRecord> result = new CompletableFuture<>();

    private long headersNanos = RequestRecord.NEVER;
    private long firstOutputNanos = RequestRecord.NEVER;
    private long firstContentNanos = RequestRecord.NEVER;
    private long doneNanos = RequestRecord.NEVER;
    private volatile boolean answered;
    private long[] chunkNanos = new long[64];
    private int[] chunkTokens = new int[64];
    private int chunks;
    private long bodyBytes;
    private int inputTokens;
    private int usageOutputTokens = -1;
    private int status;
    private String serverRequestId;
    private String responseId;
    private ServerTimings serverTimings;
    private final StringBuilder errorBody = new StringBuilder();

    StreamRecorder(ObjectMapper json, long sequence, long intendedNanos, long sentNanos, int knownInputTokens) {
        this.json = json;
        this.sequence = sequence;
        this.intendedNanos = intendedNanos;
        this.sentNanos = sentNanos;
        this.knownInputTokens = knownInputTokens;
        this.inputTokens = knownInputTokens;
    }

    CompletableFuture<RequestRecord> result() {
        return result;
    }

    /** The response headers arrived. */
    void headers(int status, String requestId, long nanos) {
        this.status = status;
        this.serverRequestId = requestId;
        this.headersNanos = nanos;
    }

    /** A piece of the body arrived at {@code nanos}. */
    void body(ByteBuffer bytes, long nanos) {
        if (result.isDone()) {
            return;
        }
        if (status != 200) {
            // Not a stream: keep the start of the error body as the failure's example message.
            int room = ERROR_BODY_LIMIT - errorBody.length();
            if (room > 0) {
                byte[] b = new byte[Math.min(room, bytes.remaining())];
                bytes.get(b);
                errorBody.append(new String(b, StandardCharsets.UTF_8));
            }
            return;
        }
        bodyBytes += bytes.remaining();
        parser.feed(bytes, nanos);
    }

    /** The body ended at {@code nanos}. */
    void complete(long nanos) {
        if (status != 200) {
            finish(ErrorClass.HTTP_STATUS, "HTTP " + status + ": " + errorBody.toString().strip(), nanos);
        } else if (bodyBytes == 0) {
            finish(ErrorClass.EMPTY_REPLY, "HTTP 200 with an empty body", nanos);
        } else if (doneNanos == RequestRecord.NEVER) {
            finish(ErrorClass.BROKEN_STREAM, "stream ended before [DONE] after " + chunks + " output chunks"
                    + (parser.hasPartialEvent() ? ", inside an event" : ""), nanos);
        } else if (chunks == 0) {
            finish(ErrorClass.EMPTY_REPLY, "[DONE] without any generated output", nanos);
        } else {
            finish(null, null, nanos);
        }
    }

    /** The exchange failed at {@code nanos}: before the headers a connection failure, after them a broken stream. */
    void failed(Throwable cause, long nanos) {
        ErrorClass kind = headersNanos == RequestRecord.NEVER ? ErrorClass.CONNECTION : ErrorClass.BROKEN_STREAM;
        if (cause instanceof java.net.http.HttpTimeoutException) {
            kind = ErrorClass.TIMEOUT;
        }
        finish(kind, cause.getClass().getSimpleName() + ": " + cause.getMessage(), nanos);
    }

    /** The request outlived its timeout. */
    void timedOut(long nanos) {
        finish(ErrorClass.TIMEOUT, "no complete reply within the timeout (" + chunks + " output chunks so far)", nanos);
    }

    /** The injector gave up on the request. */
    void cancelled(String reason, long nanos) {
        finish(ErrorClass.CANCELLED, reason + " (" + chunks + " output chunks so far)", nanos);
    }

    /** When the request was meant to start. */
    long intendedNanos() {
        return intendedNanos;
    }

    /** Whether any output has arrived yet (read from other threads: a stale answer only delays a check). */
    boolean answered() {
        return answered;
    }

    @Override
    public void onEvent(SseEvent event) {
        if (result.isDone() || doneNanos != RequestRecord.NEVER) {
            return;
        }
        if (event.data().equals("[DONE]")) {
            doneNanos = event.arrivalNanos();
            return;
        }
        JsonNode chunk;
        try {
            chunk = json.readTree(event.data());
        } catch (Exception e) {
            finish(ErrorClass.BROKEN_STREAM, "unparsable chunk: " + abbreviate(event.data()), event.arrivalNanos());
            return;
        }
        JsonNode error = chunk.get("error");
        if (error != null && !error.isNull()) {
            JsonNode message = error.get("message");
            finish(ErrorClass.ERROR_EVENT, message != null ? message.asText() : abbreviate(error.toString()),
                    event.arrivalNanos());
            return;
        }
        if (responseId == null && chunk.hasNonNull("id")) {
            responseId = chunk.get("id").asText();
        }
        readChoices(chunk.get("choices"), event.arrivalNanos());
        readUsage(chunk.get("usage"));
    }

    private void readChoices(JsonNode choices, long nanos) {
        if (choices == null || !choices.isArray()) {
            return;
        }
        int tokens = 0;
        boolean content = false;
        for (JsonNode choice : choices) {
            JsonNode delta = choice.get("delta");
            String text = textOf(delta == null ? choice.get("text") : delta.get("content"));
            String reasoning = delta == null ? "" : textOf(delta.has("reasoning_content")
                    ? delta.get("reasoning_content") : delta.get("reasoning"));
            if (text.isEmpty() && reasoning.isEmpty()) {
                continue;
            }
            content |= !text.isEmpty();
            tokens += tokensIn(choice.get("logprobs"));
        }
        if (tokens == 0) {
            return;
        }
        if (firstOutputNanos == RequestRecord.NEVER) {
            firstOutputNanos = nanos;
            answered = true;
        }
        if (content && firstContentNanos == RequestRecord.NEVER) {
            firstContentNanos = nanos;
        }
        if (chunks == chunkNanos.length) {
            chunkNanos = Arrays.copyOf(chunkNanos, chunks * 2);
            chunkTokens = Arrays.copyOf(chunkTokens, chunks * 2);
        }
        chunkNanos[chunks] = nanos;
        chunkTokens[chunks] = tokens;
        chunks++;
    }

    /** Tokens in one choice's piece: its logprob entries when the server sent them, else one. */
    private static int tokensIn(JsonNode logprobs) {
        if (logprobs != null && logprobs.isObject()) {
            JsonNode list = logprobs.has("content") ? logprobs.get("content") : logprobs.get("tokens");
            if (list != null && list.isArray() && !list.isEmpty()) {
                return list.size();
            }
        }
        return 1;
    }

    private void readUsage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return;
        }
        if (usage.hasNonNull("completion_tokens")) {
            usageOutputTokens = usage.get("completion_tokens").asInt();
        }
        if (usage.hasNonNull("prompt_tokens")) {
            inputTokens = usage.get("prompt_tokens").asInt();
        }
        ServerTimings timings = ServerTimings.from(usage.get("gauntlet_timings"));
        if (timings != null) {
            serverTimings = timings;
        }
    }

    private static String textOf(JsonNode node) {
        return node == null || node.isNull() ? "" : node.asText();
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    private synchronized void finish(ErrorClass error, String message, long endNanos) {
        if (result.isDone()) {
            return;
        }
        result.complete(new RequestRecord(sequence, intendedNanos, sentNanos, headersNanos, firstOutputNanos,
                firstContentNanos, doneNanos, endNanos, Arrays.copyOf(chunkNanos, chunks),
                Arrays.copyOf(chunkTokens, chunks), inputTokens >= 0 ? inputTokens : knownInputTokens,
                usageOutputTokens, status, serverRequestId, responseId, serverTimings, error, message));
    }
}
