package dev.gauntlet.accuracy.logits;

import dev.gauntlet.engine.tokenizer.Tokenizer;
import java.util.Arrays;

/**
 * A held-out text cut into context windows as {@code llama-perplexity} does: the text is tokenized
 * once (with BOS when the vocabulary adds one), cut into ⌊N / ctx⌋ consecutive windows of
 * {@code ctx} tokens, and the first token of each window is replaced by BOS (when the vocabulary
 * adds one). Each window is run from an empty cache; the logits at positions
 * {@code ctx/2 .. ctx−2} are scored against the next token, so every scored token has at least
 * {@code ctx/2} tokens of context and each window scores {@code ctx − 1 − ctx/2} tokens.
 *
 * @param windows   the windows, each {@code ctx} tokens, BOS first when used
 * @param ctx       tokens per window
 * @param textTokens tokens the text had before cutting (N is {@code windows × ctx} of them)
 */
public record EvalWindows(int[][] windows, int ctx, int textTokens) {

    /** The first scored position of a window: llama.cpp's {@code first = n_ctx/2}. */
    public int firstScored() {
        return ctx / 2;
    }

    /** Scored tokens per window. */
    public int scoredPerWindow() {
        return ctx - 1 - firstScored();
    }

    /** Scored tokens in all. */
    public long scoredTokens() {
        return (long) windows.length * scoredPerWindow();
    }

    /** Tokens evaluated: windows × ctx. */
    public int evaluatedTokens() {
        return windows.length * ctx;
    }

    /**
     * Tokenizes {@code text} and cuts its first {@code maxTokens} tokens into windows.
     *
     * @throws IllegalArgumentException when not even one window fits, naming the counts
     */
    public static EvalWindows of(Tokenizer tokenizer, String text, int maxTokens, int ctx) {
        if (ctx < 4) {
            throw new IllegalArgumentException("--ctx must be at least 4, got " + ctx);
        }
        int[] tokens = tokenizer.encode(text, true, false);
        // llama.cpp replaces each window's first token by BOS exactly when tokenizing added one.
        boolean usesBos = tokenizer.bos() >= 0 && tokens.length > 0 && tokens[0] == tokenizer.bos();
        int usable = Math.min(tokens.length, maxTokens);
        int count = usable / ctx;
        if (count == 0) {
            throw new IllegalArgumentException("the text has " + tokens.length + " tokens" + (maxTokens < tokens.length
                    ? " (--tokens " + maxTokens + ")" : "") + ", fewer than one window of --ctx " + ctx);
        }
        int[][] windows = new int[count][];
        for (int w = 0; w < count; w++) {
            windows[w] = Arrays.copyOfRange(tokens, w * ctx, (w + 1) * ctx);
            if (usesBos) {
                windows[w][0] = tokenizer.bos();
            }
        }
        return new EvalWindows(windows, ctx, tokens.length);
    }
}
