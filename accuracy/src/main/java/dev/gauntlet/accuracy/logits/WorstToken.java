package dev.gauntlet.accuracy.logits;

/**
 * A scored position with one of the largest KL divergences, for the report.
 *
 * @param window        which window (0-based)
 * @param position      position in the window of the last context token
 * @param context       the text of the last few context tokens
 * @param target        the true next token's text
 * @param referenceTop  the reference's most likely token's text
 * @param candidateTop  the candidate's most likely token's text
 * @param kld           KL divergence at that position
 * @param dp            Δp of the true token
 */
public record WorstToken(int window, int position, String context, String target, String referenceTop,
                         String candidateTop, double kld, double dp) {
}
