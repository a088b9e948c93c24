package dev.gauntlet.accuracy.generation;

import dev.gauntlet.accuracy.backend.Backend;
import dev.gauntlet.accuracy.backend.SequenceRunner;
import java.util.ArrayList;
import java.util.List;

/** Greedy continuations of the same prompts by a reference and by candidates, compared token by token. */
public final class GenerationEvaluator {
    private GenerationEvaluator() {
    }

    /** One candidate's generation metrics, in the order of {@code candidates}. */
    public static List<GenerationMetrics> evaluate(Backend reference, List<? extends Backend> candidates, int[][] prompts,
                                                   int newTokens) {
        if (newTokens < 1) {
            throw new IllegalArgumentException("--new-tokens must be at least 1, got " + newTokens);
        }
        int[][] expected = continuations(reference, prompts, newTokens);
        List<GenerationMetrics> out = new ArrayList<>();
        for (Backend c : candidates) {
            out.add(GenerationMetrics.compare(expected, continuations(c, prompts, newTokens), prompts[0].length));
        }
        return out;
    }

    private static int[][] continuations(Backend backend, int[][] prompts, int newTokens) {
        int longest = 0;
        for (int[] p : prompts) {
            longest = Math.max(longest, p.length);
        }
        try (SequenceRunner runner = new SequenceRunner(backend.model(), prompts.length, longest + newTokens)) {
            return runner.greedy(prompts, newTokens);
        }
    }
}
