package dev.gauntlet.engine.sampling;

import java.util.List;

/**
 * How one request's tokens are chosen and when its generation stops (the OpenAI / vLLM sampling
 * parameters). Validated on construction; every message names the offending parameter so that a
 * server can return it as an HTTP 400 as is.
 *
 * @param temperature     softmax temperature; 0 means greedy (argmax)
 * @param topK            keep only the {@code topK} most likely tokens; 0 turns it off
 * @param topP            nucleus sampling: keep the smallest set of most likely tokens whose
 *                        probability reaches {@code topP}; 1 turns it off
 * @param seed            seed of the request's random generator (same seed, same output), or null
 *                        for a non-reproducible one
 * @param maxTokens       most tokens to generate, or null for "until the context is full"
 * @param minTokens       end-of-generation and stop tokens cannot be sampled, and stop strings do
 *                        not apply, before this many tokens were generated
 * @param ignoreEos       keep generating after end-of-generation tokens
 * @param stop            strings that end generation; the returned text excludes them
 * @param stopTokenIds    token ids that end generation (in addition to end-of-generation tokens)
 * @param logprobs        number of most likely alternatives (0..20) to report with each generated
 *                        token's logprob, or null for no logprobs
 * @param promptLogprobs  the same for the prompt tokens (echo, perplexity), or null
 */
public record SamplingParams(double temperature, int topK, double topP, Long seed, Integer maxTokens,
                             int minTokens, boolean ignoreEos, List<String> stop, List<Integer> stopTokenIds,
                             Integer logprobs, Integer promptLogprobs) {

    /** Most alternatives a logprobs request may ask for (OpenAI's limit). */
    public static final int MAX_LOGPROBS = 20;

    public SamplingParams {
        if (!(Double.isFinite(temperature) && temperature >= 0)) {
            throw new IllegalArgumentException("temperature must be a finite number ≥ 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top_k must be ≥ 0 (0 = off), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        if (maxTokens != null && maxTokens < 1) {
            throw new IllegalArgumentException("max_tokens must be ≥ 1, got " + maxTokens);
        }
        if (minTokens < 0) {
            throw new IllegalArgumentException("min_tokens must be ≥ 0, got " + minTokens);
        }
        if (maxTokens != null && minTokens > maxTokens) {
            throw new IllegalArgumentException("min_tokens must be ≤ max_tokens (" + maxTokens + "), got " + minTokens);
        }
        stop = List.copyOf(stop == null ? List.of() : stop);
        for (String s : stop) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("stop strings must not be empty");
            }
        }
        stopTokenIds = List.copyOf(stopTokenIds == null ? List.of() : stopTokenIds);
        for (int id : stopTokenIds) {
            if (id < 0) {
                throw new IllegalArgumentException("stop_token_ids must be ≥ 0, got " + id);
            }
        }
        checkLogprobs("logprobs", logprobs);
        checkLogprobs("prompt_logprobs", promptLogprobs);
    }

    private static void checkLogprobs(String name, Integer value) {
        if (value != null && (value < 0 || value > MAX_LOGPROBS)) {
            throw new IllegalArgumentException(name + " must be in 0.." + MAX_LOGPROBS + ", got " + value);
        }
    }

    /** Greedy decoding up to {@code maxTokens}, no stops beyond end-of-generation tokens. */
    public static SamplingParams greedy(int maxTokens) {
        return builder().maxTokens(maxTokens).build();
    }

    /** Whether tokens are chosen by argmax. */
    public boolean isGreedy() {
        return temperature == 0;
    }

    /** A builder starting from the defaults: greedy, no top-k/top-p, no seed, no limits, no logprobs. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these parameters. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.temperature = temperature;
        b.topK = topK;
        b.topP = topP;
        b.seed = seed;
        b.maxTokens = maxTokens;
        b.minTokens = minTokens;
        b.ignoreEos = ignoreEos;
        b.stop = stop;
        b.stopTokenIds = stopTokenIds;
        b.logprobs = logprobs;
        b.promptLogprobs = promptLogprobs;
        return b;
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private double temperature;
        private int topK;
        private double topP = 1;
        private Long seed;
        private Integer maxTokens;
        private int minTokens;
        private boolean ignoreEos;
        private List<String> stop = List.of();
        private List<Integer> stopTokenIds = List.of();
        private Integer logprobs;
        private Integer promptLogprobs;

        private Builder() {
        }

        public Builder temperature(double v) { temperature = v; return this; }
        public Builder topK(int v) { topK = v; return this; }
        public Builder topP(double v) { topP = v; return this; }
        public Builder seed(Long v) { seed = v; return this; }
        public Builder maxTokens(Integer v) { maxTokens = v; return this; }
        public Builder minTokens(int v) { minTokens = v; return this; }
        public Builder ignoreEos(boolean v) { ignoreEos = v; return this; }
        public Builder stop(List<String> v) { stop = v; return this; }
        public Builder stopTokenIds(List<Integer> v) { stopTokenIds = v; return this; }
        public Builder logprobs(Integer v) { logprobs = v; return this; }
        public Builder promptLogprobs(Integer v) { promptLogprobs = v; return this; }

        public SamplingParams build() {
            return new SamplingParams(temperature, topK, topP, seed, maxTokens, minTokens, ignoreEos, stop,
                    stopTokenIds, logprobs, promptLogprobs);
        }
    }
}
