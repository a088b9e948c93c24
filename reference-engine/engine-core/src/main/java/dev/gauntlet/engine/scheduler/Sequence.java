package dev.gauntlet.engine.scheduler;

import dev.gauntlet.engine.kv.BlockTable;
import dev.gauntlet.engine.sampling.Sampler;
import dev.gauntlet.engine.sampling.TokenLogprobs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Engine-thread state of one request: its tokens, how many are in the KV cache, its blocks. */
final class Sequence {
    final GenerationRequest request;
    final RequestHandle handle;
    final Sampler sampler;
    final TextTracker text;
    final int maxTokens;
    /** Ids that cannot be sampled before {@code min_tokens} (end-of-generation and stop ids). */
    final int[] suppressedBeforeMin;
    final BlockTable blocks = new BlockTable();
    /** Prompt logprobs gathered so far (entry i: prompt token i+1), or null if not asked for. */
    final List<TokenLogprobs> promptLogprobs;
    boolean promptLogprobsSent;

    private int[] tokens;
    private int size;
    /** Tokens whose keys and values are in the cache; {@code size - computed} still to run. */
    int computed;
    int preemptions;
    long admittedNanos = -1;
    long firstTokenNanos = -1;
    /** Set by a cancel request; honoured at the next step boundary. */
    boolean cancelRequested;

    Sequence(GenerationRequest request, RequestHandle handle, int maxTokens, int[] suppressedBeforeMin) {
        this.request = request;
        this.handle = handle;
        this.sampler = new Sampler(request.params());
        this.text = new TextTracker(request.params().stop());
        this.maxTokens = maxTokens;
        this.suppressedBeforeMin = suppressedBeforeMin;
        this.promptLogprobs = request.params().promptLogprobs() == null ? null : new ArrayList<>();
        this.tokens = Arrays.copyOf(request.promptTokens(), request.promptLength() + Math.min(maxTokens, 16));
        this.size = request.promptLength();
    }

    String id() {
        return request.id();
    }

    int promptLength() {
        return request.promptLength();
    }

    int size() {
        return size;
    }

    int generated() {
        return size - promptLength();
    }

    int token(int i) {
        return tokens[i];
    }

    int[] tokens(int from, int to) {
        return Arrays.copyOfRange(tokens, from, to);
    }

    void append(int token) {
        if (size == tokens.length) {
            tokens = Arrays.copyOf(tokens, size * 2);
        }
        tokens[size++] = token;
    }

    /** Whether this step's chunk should return a logit row per token, for prompt logprobs. */
    boolean needsPromptLogprobs() {
        return promptLogprobs != null && promptLogprobs.size() < promptLength() - 1;
    }

    /** Forgets the cached state after preemption: everything is recomputed on readmission. */
    void resetComputed() {
        computed = 0;
        preemptions++;
    }
}
