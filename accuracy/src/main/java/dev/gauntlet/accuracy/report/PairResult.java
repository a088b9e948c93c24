package dev.gauntlet.accuracy.report;

import dev.gauntlet.accuracy.gate.GateVerdict;
import dev.gauntlet.accuracy.generation.GenerationMetrics;
import dev.gauntlet.accuracy.logits.WorstToken;
import dev.gauntlet.accuracy.metrics.LogitMetrics;
import java.util.List;

/**
 * Everything measured for one reference/candidate pair.
 *
 * @param kind        {@code in-process} (two backends of the engine) or {@code http} (two endpoints)
 * @param reference   the reference's label ({@code f32}) or URL
 * @param candidate   the candidate's label ({@code q4_0}) or URL; gates are looked up by it, or by
 *                    {@code http} for an HTTP pair
 * @param kldMethod   {@code exact} or {@code top-k lower bound}
 * @param weights     weight-level errors, or null where not measured (HTTP, non-engine backends)
 * @param logits      the teacher-forced logit metrics
 * @param worstTokens the positions with the largest KL divergence, largest first
 * @param generation  greedy-generation metrics, or null where not measured
 * @param gate        the gate's verdict, or null when no gate applies
 */
public record PairResult(String kind, String reference, String candidate, String kldMethod, WeightSummary weights,
                         LogitMetrics logits, List<WorstToken> worstTokens, GenerationMetrics generation,
                         GateVerdict gate) {

    /** The key of this pair's gate: the candidate's label, or {@code http}. */
    public String gateKey() {
        return kind.equals("http") ? "http" : candidate;
    }

    /** The same result with a verdict. */
    public PairResult withGate(GateVerdict verdict) {
        return new PairResult(kind, reference, candidate, kldMethod, weights, logits, worstTokens, generation, verdict);
    }
}
