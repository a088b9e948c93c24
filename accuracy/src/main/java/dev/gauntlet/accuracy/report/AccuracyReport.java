package dev.gauntlet.accuracy.report;

import java.util.List;

/**
 * The content of {@code accuracy.json} (schema {@value #SCHEMA}, defined in docs/accuracy.md).
 *
 * @param schema    {@value #SCHEMA}
 * @param createdAt ISO-8601 instant
 * @param model     the model (or tokenizer) file
 * @param text      the held-out text and how it was cut
 * @param settings  the generation and HTTP settings
 * @param pairs     one result per pair
 * @param passed    whether every gated pair passed its gate
 */
public record AccuracyReport(String schema, String createdAt, ModelInfo model, TextInfo text, Settings settings,
                             List<PairResult> pairs, boolean passed) {
    /** The schema id; bumped on any incompatible change. */
    public static final String SCHEMA = "gauntlet.accuracy/v1";

    /**
     * @param path          the GGUF file
     * @param name          its {@code general.name}
     * @param vocab         vocabulary size
     * @param contextLength the model's context length
     */
    public record ModelInfo(String path, String name, int vocab, int contextLength) {
    }

    /**
     * @param path           the held-out text file
     * @param textTokens     tokens of the whole text
     * @param ctx            tokens per window
     * @param windows        windows evaluated
     * @param scoredTokens   N: positions scored (windows × (ctx − 1 − ctx/2))
     */
    public record TextInfo(String path, int textTokens, int ctx, int windows, long scoredTokens) {
    }

    /**
     * @param prompts      greedy prompts (M), 0 when generation was not run
     * @param promptTokens tokens per prompt
     * @param newTokens    tokens generated per prompt
     * @param topK         log-probabilities asked per position over HTTP, 0 when no HTTP pair
     */
    public record Settings(int prompts, int promptTokens, int newTokens, int topK) {
    }
}
