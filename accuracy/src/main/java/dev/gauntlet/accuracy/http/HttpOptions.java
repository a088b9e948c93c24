package dev.gauntlet.accuracy.http;

import java.net.URI;
import java.nio.file.Path;

/**
 * What an HTTP accuracy run compares.
 *
 * @param reference      the reference endpoint's base URL
 * @param candidate      the candidate endpoint's base URL
 * @param referenceModel the model name to ask the reference for, or null for its first listed
 * @param candidateModel the same for the candidate
 * @param tokenizer      a GGUF file whose tokenizer cuts the text (the endpoints must share its vocabulary)
 * @param text           the held-out text file
 * @param maxTokens      tokens of the text to use at most
 * @param ctx            tokens per window
 * @param topK           log-probabilities asked per position
 * @param worstTokens    worst tokens kept
 */
public record HttpOptions(URI reference, URI candidate, String referenceModel, String candidateModel, Path tokenizer,
                          Path text, int maxTokens, int ctx, int topK, int worstTokens) {
    /** The largest {@code logprobs} OpenAI's API (and the engine's server) accepts. */
    public static final int MAX_TOP_K = 20;

    public HttpOptions {
        if (topK < 1 || topK > MAX_TOP_K) {
            throw new IllegalArgumentException("--top-k must be in 1.." + MAX_TOP_K + ", got " + topK);
        }
    }
}
