package dev.gauntlet.accuracy.http;

import dev.gauntlet.accuracy.AccuracySuite;
import dev.gauntlet.accuracy.gate.Gates;
import dev.gauntlet.accuracy.logits.EvalWindows;
import dev.gauntlet.accuracy.logits.WorstToken;
import dev.gauntlet.accuracy.logits.WorstTokens;
import dev.gauntlet.accuracy.metrics.KlMethod;
import dev.gauntlet.accuracy.metrics.LogitStats;
import dev.gauntlet.accuracy.metrics.SparseComparison;
import dev.gauntlet.accuracy.metrics.SparseDistribution;
import dev.gauntlet.accuracy.metrics.TokenComparison;
import dev.gauntlet.accuracy.report.AccuracyReport;
import dev.gauntlet.accuracy.report.PairResult;
import dev.gauntlet.engine.gguf.GgufFile;
import dev.gauntlet.engine.model.LlamaConfig;
import dev.gauntlet.engine.tokenizer.Tokenizer;
import dev.gauntlet.engine.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The logit metrics between two OpenAI-compatible endpoints from prompt logprobs: the same
 * windows and scored positions as the in-process run, each window sent to both endpoints (at the
 * same time), compared with {@link SparseComparison}. Perplexities and Δp of the true token are
 * exact; the KL divergence is the top-k lower bound and is labelled so.
 */
public final class HttpComparison {
    private static final int CONTEXT_SHOWN = 8;

    private HttpComparison() {
    }

    /** Compares the endpoints of {@code options} and checks the {@code http} gate. */
    public static AccuracyReport run(HttpOptions options, Gates gates) throws IOException, InterruptedException {
        AccuracySuite.requireFile(options.tokenizer(), "tokenizer model");
        AccuracySuite.requireFile(options.text(), "held-out text");
        Tokenizer tokenizer;
        LlamaConfig config;
        try (GgufFile file = GgufFile.open(options.tokenizer())) {
            tokenizer = Tokenizers.fromGguf(file);
            config = LlamaConfig.fromGguf(file);
        }
        EvalWindows windows = EvalWindows.of(tokenizer, Files.readString(options.text(), StandardCharsets.UTF_8),
                options.maxTokens(), options.ctx());
        LogitStats stats = new LogitStats();
        WorstTokens worst = new WorstTokens(options.worstTokens());
        try (CompletionsClient ref = new CompletionsClient(options.reference());
             CompletionsClient cand = new CompletionsClient(options.candidate());
             ExecutorService both = Executors.newVirtualThreadPerTaskExecutor()) {
            String refModel = options.referenceModel() != null ? options.referenceModel() : ref.firstModel();
            String candModel = options.candidateModel() != null ? options.candidateModel() : cand.firstModel();
            for (int w = 0; w < windows.windows().length; w++) {
                int[] tokens = windows.windows()[w];
                Future<List<SparseDistribution<String>>> refAnswer =
                        both.submit(() -> ref.promptLogprobs(refModel, tokens, options.topK()));
                List<SparseDistribution<String>> candAnswer = cand.promptLogprobs(candModel, tokens, options.topK());
                List<SparseDistribution<String>> refDists = await(refAnswer);
                for (int j = windows.firstScored(); j < windows.ctx() - 1; j++) {
                    SparseDistribution<String> r = refDists.get(j + 1);
                    SparseDistribution<String> c = candAnswer.get(j + 1);
                    TokenComparison t = SparseComparison.compare(r, c);
                    stats.add(t);
                    int window = w;
                    int position = j;
                    worst.offer(t.kld(), () -> new WorstToken(window, position,
                            tokenizer.decode(Arrays.copyOfRange(tokens, Math.max(0, position + 1 - CONTEXT_SHOWN), position + 1)),
                            r.target(), r.mostLikely(), c.mostLikely(), t.kld(), t.dpTarget()));
                }
            }
        }
        PairResult pair = new PairResult("http", options.reference().toString(), options.candidate().toString(),
                KlMethod.topK(options.topK()).describe(), null, stats.summary(), worst.largestFirst(), null, null);
        pair = pair.withGate(gates.check(pair));
        return AccuracySuite.report(new AccuracyReport.ModelInfo(options.tokenizer().toString(),
                        options.tokenizer().getFileName().toString(), config.vocab(), config.contextLength()),
                AccuracySuite.textInfo(options.text(), windows), new AccuracyReport.Settings(0, 0, 0, options.topK()),
                List.of(pair));
    }

    private static <T> T await(Future<T> f) throws IOException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
