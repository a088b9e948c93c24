package dev.gauntlet.accuracy.generation;

import dev.gauntlet.accuracy.logits.EvalWindows;
import java.util.Arrays;

/** Prompts for greedy generation, cut from the evaluation windows of the held-out text. */
public final class GenerationPrompts {
    private GenerationPrompts() {
    }

    /**
     * {@code count} prompts of {@code length} tokens: the first tokens of windows spread evenly
     * over the text (window ⌊i·W/count⌋ for prompt i), so each starts as the windows do (with BOS
     * when the model uses one) and no two overlap while there are at least {@code count} windows.
     *
     * @throws IllegalArgumentException when {@code length} does not fit in a window
     */
    public static int[][] from(EvalWindows windows, int count, int length) {
        if (count < 1) {
            throw new IllegalArgumentException("--prompts must be at least 1, got " + count);
        }
        if (length < 1 || length > windows.ctx()) {
            throw new IllegalArgumentException("--prompt-tokens must be in 1.." + windows.ctx() + ", got " + length);
        }
        int w = windows.windows().length;
        int[][] prompts = new int[count][];
        for (int i = 0; i < count; i++) {
            prompts[i] = Arrays.copyOf(windows.windows()[(int) ((long) i * w / count)], length);
        }
        return prompts;
    }
}
