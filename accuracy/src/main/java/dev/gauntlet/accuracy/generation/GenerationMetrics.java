package dev.gauntlet.accuracy.generation;

/**
 * Greedy generations of a candidate against the reference's, from the same M prompts.
 *
 * @param prompts              M
 * @param promptTokens         tokens per prompt
 * @param newTokens            tokens generated per prompt (G)
 * @param exactMatchPct        share of prompts whose G tokens all equal the reference's
 * @param meanFirstDivergence  mean over prompts of the index (0-based) of the first token that
 *                             differs, counting G for a prompt with none
 * @param tokenAgreementPct    share of the M·G positions holding the reference's token
 */
public record GenerationMetrics(int prompts, int promptTokens, int newTokens, double exactMatchPct,
                                double meanFirstDivergence, double tokenAgreementPct) {

    /**
     * Compares two sets of continuations of the same prompts.
     *
     * @throws IllegalArgumentException when the shapes differ
     */
    public static GenerationMetrics compare(int[][] reference, int[][] candidate, int promptTokens) {
        if (reference.length == 0 || reference.length != candidate.length) {
            throw new IllegalArgumentException("need the same non-zero number of continuations, got "
                    + reference.length + " and " + candidate.length);
        }
        int g = reference[0].length;
        int exact = 0;
        long firstDivergenceSum = 0;
        long agreeing = 0;
        for (int p = 0; p < reference.length; p++) {
            if (reference[p].length != g || candidate[p].length != g) {
                throw new IllegalArgumentException("continuation " + p + " is not " + g + " tokens long");
            }
            int first = g;
            for (int i = 0; i < g; i++) {
                if (reference[p][i] == candidate[p][i]) {
                    agreeing++;
                } else if (first == g) {
                    first = i;
                }
            }
            firstDivergenceSum += first;
            if (first == g) {
                exact++;
            }
        }
        int m = reference.length;
        return new GenerationMetrics(m, promptTokens, g, 100.0 * exact / m, (double) firstDivergenceSum / m,
                g == 0 ? 100 : 100.0 * agreeing / ((long) m * g));
    }
}
