package dev.gauntlet.load.client;

/**
 * Everything measured about one request. Times are {@link System#nanoTime()} values (one clock for
 * the whole campaign); a time that never happened is {@link #NEVER}.
 *
 * @param sequence          the request's number in its campaign
 * @param intendedNanos     when the load model meant to send it (its scheduled arrival)
 * @param sentNanos         when the client actually handed it to the HTTP stack
 * @param headersNanos      when the response headers arrived
 * @param firstOutputNanos  first chunk carrying any generated output, reasoning included (TTFO's end)
 * @param firstContentNanos first chunk carrying answer content (TTFT's end)
 * @param doneNanos         when {@code data: [DONE]} arrived
 * @param endNanos          when the request ended, whatever the way
 * @param chunkNanos        arrival of every output chunk, in order
 * @param chunkTokens       tokens in each of those chunks (logprob entries when the server sends them, else 1)
 * @param inputTokens       prompt tokens from the server's usage, or the prompt's own count, or -1
 * @param usageOutputTokens completion tokens from the server's usage, or -1 when it sent none
 * @param status            HTTP status, or 0 when none arrived
 * @param serverRequestId   the {@code x-request-id} header, or null
 * @param responseId        the reply's {@code id} field, or null
 * @param serverTimings     the server's own timings ({@code gauntlet_timings}), or null
 * @param error             why it failed, or null for a success
 * @param errorMessage      the failure's description, or null
 */
public record RequestRecord(long sequence, long intendedNanos, long sentNanos, long headersNanos,
                            long firstOutputNanos, long firstContentNanos, long doneNanos, long endNanos,
                            long[] chunkNanos, int[] chunkTokens, int inputTokens, int usageOutputTokens,
                            int status, String serverRequestId, String responseId, ServerTimings serverTimings,
                            ErrorClass error, String errorMessage) {
    /** Marks a moment that did not happen. */
    public static final long NEVER = Long.MIN_VALUE;

    /** Whether the request completed: HTTP 200, output, and {@code [DONE]} with no error event. */
    public boolean ok() {
        return error == null;
    }

    /** Output tokens counted by the client: the sum over chunks. */
    public int clientOutputTokens() {
        int sum = 0;
        for (int t : chunkTokens) {
            sum += t;
        }
        return sum;
    }

    /** Output tokens for rates and TPOT: the server's usage when it sent one, else the client's count. */
    public int outputTokens() {
        return usageOutputTokens >= 0 ? usageOutputTokens : clientOutputTokens();
    }
}
