package dev.gauntlet.accuracy;

import dev.gauntlet.engine.backend.ComputeBackends;
import dev.gauntlet.engine.gguf.GgmlType;
import java.nio.file.Path;
import java.util.List;

/**
 * What an in-process accuracy run measures.
 *
 * @param model        GGUF model file (F32 or F16)
 * @param reference    the reference precision (F32)
 * @param candidates   the precisions compared with it
 * @param candidateBackend where the candidates run ({@code cpu} or {@code cuda}); the reference always runs on the CPU
 * @param candidateTensorParallel devices each candidate is split over ({@code --tp}; the CUDA backend)
 * @param text         the held-out text file
 * @param maxTokens    tokens of the text to use at most (whole windows of them)
 * @param ctx          tokens per window
 * @param prompts      greedy prompts M (0: no generation comparison)
 * @param promptTokens tokens per prompt
 * @param newTokens    tokens generated per prompt
 * @param worstTokens  worst tokens kept per pair
 */
public record SuiteOptions(Path model, GgmlType reference, List<GgmlType> candidates, String candidateBackend,
                           int candidateTensorParallel, Path text,
                           int maxTokens, int ctx,
                           int prompts, int promptTokens, int newTokens, int worstTokens) {
    /** Tokens per window unless asked otherwise: the bundled model's trained context. */
    public static final int DEFAULT_CTX = 512;
    /** Text tokens used at most unless asked otherwise: all of the bundled held-out text (51 windows of 512, 13,005 scored tokens). */
    public static final int DEFAULT_TOKENS = 32768;
    public static final int DEFAULT_PROMPTS = 16;
    public static final int DEFAULT_PROMPT_TOKENS = 32;
    public static final int DEFAULT_NEW_TOKENS = 32;
    public static final int DEFAULT_WORST_TOKENS = 10;

    public SuiteOptions {
        candidates = List.copyOf(candidates);
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("--quants names no precision");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("--tokens must be at least 1, got " + maxTokens);
        }
        if (prompts < 0) {
            throw new IllegalArgumentException("--prompts must be ≥ 0, got " + prompts);
        }
    }

    /** The defaults for {@code model} and {@code text}: F32 against F16, Q8_0 and Q4_0, all on the CPU. */
    public static SuiteOptions defaults(Path model, Path text) {
        return new SuiteOptions(model, GgmlType.F32, List.of(GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0),
                ComputeBackends.CPU, 1, text,
                DEFAULT_TOKENS, DEFAULT_CTX, DEFAULT_PROMPTS, DEFAULT_PROMPT_TOKENS, DEFAULT_NEW_TOKENS, DEFAULT_WORST_TOKENS);
    }
}
