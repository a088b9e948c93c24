package dev.gauntlet.accuracy.logits;

import dev.gauntlet.accuracy.backend.Backend;
import dev.gauntlet.accuracy.backend.SequenceRunner;
import dev.gauntlet.accuracy.metrics.DenseComparison;
import dev.gauntlet.accuracy.metrics.KlMethod;
import dev.gauntlet.accuracy.metrics.LogitMetrics;
import dev.gauntlet.accuracy.metrics.LogitStats;
import dev.gauntlet.accuracy.metrics.SparseComparison;
import dev.gauntlet.accuracy.metrics.SparseDistribution;
import dev.gauntlet.accuracy.metrics.TokenComparison;
import dev.gauntlet.engine.sampling.Logprobs;
import dev.gauntlet.engine.sampling.Sampler;
import dev.gauntlet.engine.sampling.TokenLogprob;
import dev.gauntlet.engine.sampling.TokenLogprobs;
import dev.gauntlet.engine.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Teacher-forced comparison of candidates with a reference over {@link EvalWindows}: each window
 * runs through the reference once (one prefill step returning the logits of every position), then
 * through each candidate, and every scored position is compared while the reference's logits of
 * that window are still in memory. Nothing but the running statistics outlives a window.
 *
 * <p>With a top-k {@link KlMethod} it computes what {@code HttpComparison} would get from two
 * servers running these backends: the same sparse, text-keyed distributions.
 */
public final class TeacherForcedEvaluator {
    /** Context tokens shown before a worst token. */
    private static final int CONTEXT_SHOWN = 8;

    private TeacherForcedEvaluator() {
    }

    /**
     * One candidate's result.
     *
     * @param label   the candidate backend's label
     * @param metrics the logit metrics
     * @param worst   the positions with the largest KL divergence, largest first
     */
    public record Result(String label, LogitMetrics metrics, List<WorstToken> worst) {
    }

    /**
     * Compares every candidate with the reference.
     *
     * @param tokenizer  the shared vocabulary, for the texts of the worst tokens
     * @param method     exact KL, or the top-k lower bound (to check an HTTP comparison against)
     * @param worstCount how many worst tokens to keep per candidate
     */
    public static List<Result> evaluate(Backend reference, List<? extends Backend> candidates, EvalWindows windows,
                                        Tokenizer tokenizer, KlMethod method, int worstCount) {
        int vocab = reference.model().config().vocab();
        for (Backend c : candidates) {
            if (c.model().config().vocab() != vocab) {
                throw new IllegalArgumentException(c.label() + " has a vocabulary of " + c.model().config().vocab()
                        + " tokens, the reference " + vocab);
            }
        }
        SequenceRunner refRunner = new SequenceRunner(reference.model(), 1, windows.ctx());
        List<SequenceRunner> runners = new ArrayList<>();
        List<LogitStats> stats = new ArrayList<>();
        List<WorstTokens> worst = new ArrayList<>();
        try {
            for (Backend c : candidates) {
                runners.add(new SequenceRunner(c.model(), 1, windows.ctx()));
                stats.add(new LogitStats());
                worst.add(new WorstTokens(worstCount));
            }
            int first = windows.firstScored();
            int ctx = windows.ctx();
            for (int w = 0; w < windows.windows().length; w++) {
                int[] tokens = windows.windows()[w];
                float[] refLogits = refRunner.logitsAfterEach(tokens);
                DenseComparison.ReferenceRow[] refRows = new DenseComparison.ReferenceRow[ctx];
                for (int j = first; j < ctx - 1; j++) {
                    refRows[j] = DenseComparison.reference(refLogits, j * vocab, vocab);
                }
                for (int c = 0; c < candidates.size(); c++) {
                    float[] candLogits = runners.get(c).logitsAfterEach(tokens);
                    for (int j = first; j < ctx - 1; j++) {
                        int target = tokens[j + 1];
                        TokenComparison t = method.exact()
                                ? DenseComparison.compare(refRows[j], candLogits, j * vocab, target)
                                : SparseComparison.compare(sparse(tokenizer, refLogits, j * vocab, vocab, target, method.topK()),
                                        sparse(tokenizer, candLogits, j * vocab, vocab, target, method.topK()));
                        stats.get(c).add(t);
                        int window = w;
                        int position = j;
                        worst.get(c).offer(t.kld(), () -> new WorstToken(window, position,
                                tokenizer.decode(Arrays.copyOfRange(tokens, Math.max(0, position + 1 - CONTEXT_SHOWN), position + 1)),
                                tokenizer.decode(new int[] {target}),
                                tokenizer.decode(new int[] {refRows[position].top()}),
                                tokenizer.decode(new int[] {Sampler.argmax(candLogits, position * vocab, vocab)}),
                                t.kld(), t.dpTarget()));
                    }
                }
            }
        } finally {
            refRunner.close();
            runners.forEach(SequenceRunner::close);
        }
        List<Result> results = new ArrayList<>();
        for (int c = 0; c < candidates.size(); c++) {
            results.add(new Result(candidates.get(c).label(), stats.get(c).summary(), worst.get(c).largestFirst()));
        }
        return results;
    }

    /**
     * What an OpenAI-compatible endpoint reports for this row with {@code logprobs: k}: the engine's
     * own {@link Logprobs}, keyed by each token's decoded text (the first, most likely, token of
     * a text kept), the true token added when not listed, as the engine's server does.
     */
    private static SparseDistribution<String> sparse(Tokenizer tokenizer, float[] logits, int offset, int vocab, int target,
                                                     int k) {
        TokenLogprobs lp = Logprobs.of(logits, offset, vocab, target, k);
        Map<String, Double> top = new LinkedHashMap<>();
        for (TokenLogprob t : lp.top()) {
            top.putIfAbsent(tokenizer.decode(new int[] {t.token()}), t.logprob());
        }
        return new SparseDistribution<>(tokenizer.decode(new int[] {target}), lp.logprob(), top);
    }
}
