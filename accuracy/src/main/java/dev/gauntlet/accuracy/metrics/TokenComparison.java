package dev.gauntlet.accuracy.metrics;

/**
 * One scored position compared between a reference and a candidate: both saw the same context
 * and predict the same next token (the text's own, teacher-forced).
 *
 * @param nllReference −ln p_ref(target)
 * @param nllCandidate −ln p_cand(target)
 * @param kld          KL(p_ref ‖ p_cand) in nats: exact over the vocabulary, or its top-k lower bound
 * @param sameTop      whether both distributions have the same most likely token
 * @param dpTarget     p_cand(target) − p_ref(target): llama.cpp's Δp
 * @param dpTop        p_cand(t*) − p_ref(t*) for the reference's most likely token t*
 */
public record TokenComparison(double nllReference, double nllCandidate, double kld, boolean sameTop,
                              double dpTarget, double dpTop) {
}
