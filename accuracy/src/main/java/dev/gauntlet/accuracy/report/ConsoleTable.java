package dev.gauntlet.accuracy.report;

import dev.gauntlet.accuracy.gate.GateVerdict;
import dev.gauntlet.accuracy.generation.GenerationMetrics;
import dev.gauntlet.accuracy.logits.WorstToken;
import dev.gauntlet.accuracy.metrics.LogitMetrics;
import java.util.List;
import java.util.Locale;

/** The report as Markdown tables: one row per pair, and a pair's worst tokens. */
public final class ConsoleTable {
    private ConsoleTable() {
    }

    /** A header line on the text and model, then one row per pair. */
    public static String render(AccuracyReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "model %s (%s), text %s: %d windows of %d tokens, N = %d scored tokens%n%n",
                r.model().name(), r.model().path(), r.text().path(), r.text().windows(), r.text().ctx(),
                r.text().scoredTokens()));
        sb.append("| pair | KLD | min SNR dB | PPL ref | PPL | ΔPPL % | mean KLD | median KLD | p99 KLD | max KLD "
                + "| top-1 % | RMS Δp % | RMS Δp top % | greedy exact % | first div | gate |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (PairResult p : r.pairs()) {
            LogitMetrics m = p.logits();
            GenerationMetrics g = p.generation();
            sb.append(String.format(Locale.ROOT,
                    "| %s vs %s | %s | %s | %.4f | %.4f | %+.3f ± %.3f | %.4g ± %.2g | %.4g | %.4g | %.4g | %.2f ± %.2f "
                            + "| %.4g | %.4g | %s | %s | %s |%n",
                    p.candidate(), p.reference(), p.kldMethod(),
                    p.weights() == null ? "–" : snr(p.weights().minSnrDb()),
                    m.pplReference(), m.pplCandidate(), m.deltaPplPct(), m.deltaPplPctUncertainty(),
                    m.kldMean(), m.kldMeanUncertainty(), m.kldMedian(), m.kldP99(), m.kldMax(),
                    m.top1Pct(), m.top1PctUncertainty(), m.rmsDpPct(), m.rmsDpTopPct(),
                    g == null ? "–" : String.format(Locale.ROOT, "%.1f", g.exactMatchPct()),
                    g == null ? "–" : String.format(Locale.ROOT, "%.1f / %d", g.meanFirstDivergence(), g.newTokens()),
                    gate(p.gate())));
        }
        return sb.toString();
    }

    /** A pair's worst tokens as a table (context, true token, both top tokens, KLD, Δp). */
    public static String worstTokens(PairResult p) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "worst tokens of %s vs %s%n%n", p.candidate(),
                p.reference()));
        sb.append("| window | pos | context | next | ref top | cand top | KLD | Δp |\n|---|---|---|---|---|---|---|---|\n");
        List<WorstToken> worst = p.worstTokens();
        for (WorstToken w : worst) {
            sb.append(String.format(Locale.ROOT, "| %d | %d | %s | %s | %s | %s | %.5f | %+.4f |%n", w.window(), w.position(),
                    cell(w.context()), cell(w.target()), cell(w.referenceTop()), cell(w.candidateTop()), w.kld(), w.dp()));
        }
        return sb.toString();
    }

    private static String snr(Double db) {
        return db == null ? "exact" : String.format(Locale.ROOT, "%.2f", db);
    }

    private static String gate(GateVerdict v) {
        if (v == null) {
            return "–";
        }
        return v.passed() ? "pass" : "FAIL: " + String.join("; ", v.failures());
    }

    /** Token text made safe for one Markdown cell: visible whitespace, no pipes. */
    private static String cell(String text) {
        return "`" + text.replace("\n", "\\n").replace("|", "\\|").replace("`", "'") + "`";
    }
}
