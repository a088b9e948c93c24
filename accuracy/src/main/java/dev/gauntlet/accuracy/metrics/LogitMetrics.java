package dev.gauntlet.accuracy.metrics;

/**
 * The logit-level metrics of one reference/candidate pair over N scored tokens, as
 * {@code llama-perplexity --kl-divergence} prints them (uncertainties are its "±" values: one
 * standard error of the mean). Percentages are in percent.
 *
 * @param tokens                 N, the scored positions
 * @param pplReference           exp(mean −ln p_ref(target))
 * @param pplCandidate           exp(mean −ln p_cand(target))
 * @param deltaPplPct            100·(PPL(cand)/PPL(ref) − 1)
 * @param deltaPplPctUncertainty its standard error (llama.cpp's for ln(PPL(Q)/PPL(base)), correlation included)
 * @param kldMean                mean KL(p_ref ‖ p_cand) in nats
 * @param kldMeanUncertainty     its standard error
 * @param kldMedian              median KL divergence
 * @param kldP99                 99th percentile of the KL divergences
 * @param kldMax                 largest KL divergence
 * @param top1Pct                share of positions where both have the same most likely token
 * @param top1PctUncertainty     its binomial standard error
 * @param rmsDpPct               100·sqrt(mean Δp²), Δp = p_cand(target) − p_ref(target) (llama.cpp's "RMS Δp")
 * @param rmsDpTopPct            100·sqrt(mean Δp_top²), Δp_top for the reference's most likely token
 * @param maxAbsDpPct            100·max |Δp| (llama.cpp's "Maximum Δp" is the signed maximum)
 */
public record LogitMetrics(long tokens, double pplReference, double pplCandidate, double deltaPplPct,
                           double deltaPplPctUncertainty, double kldMean, double kldMeanUncertainty, double kldMedian,
                           double kldP99, double kldMax, double top1Pct, double top1PctUncertainty, double rmsDpPct,
                           double rmsDpTopPct, double maxAbsDpPct) {
}
