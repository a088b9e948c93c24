package dev.gauntlet.load.client;

/**
 * One generation to ask for. The prompt is either text or token ids (completions only: exact input
 * lengths without knowing the target's tokenizer).
 *
 * @param text          the prompt text, or null when {@code tokenIds} is given
 * @param tokenIds      the prompt as token ids, or null when {@code text} is given
 * @param maxTokens     most output tokens
 * @param exactOutput   ask for exactly {@code maxTokens} tokens ({@code min_tokens} = {@code max_tokens} and
 *                      {@code ignore_eos}, the vLLM extensions); a server without them may stop earlier,
 *                      which the records show
 */
public record GenerationRequest(String text, int[] tokenIds, int maxTokens, boolean exactOutput) {

    public GenerationRequest {
        if ((text == null) == (tokenIds == null)) {
            throw new IllegalArgumentException("a prompt is either text or token ids");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max_tokens must be ≥ 1, got " + maxTokens);
        }
    }

    /** Input length when known before sending (token ids); -1 for text, whose length only the server's usage tells. */
    public int knownInputTokens() {
        return tokenIds == null ? -1 : tokenIds.length;
    }
}
