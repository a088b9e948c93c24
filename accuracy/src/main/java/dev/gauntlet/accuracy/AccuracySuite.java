package dev.gauntlet.accuracy;

import dev.gauntlet.accuracy.backend.EngineBackend;
import dev.gauntlet.accuracy.gate.Gates;
import dev.gauntlet.accuracy.generation.GenerationEvaluator;
import dev.gauntlet.accuracy.generation.GenerationMetrics;
import dev.gauntlet.accuracy.generation.GenerationPrompts;
import dev.gauntlet.accuracy.logits.EvalWindows;
import dev.gauntlet.accuracy.logits.TeacherForcedEvaluator;
import dev.gauntlet.accuracy.metrics.KlMethod;
import dev.gauntlet.accuracy.report.AccuracyReport;
import dev.gauntlet.accuracy.report.PairResult;
import dev.gauntlet.accuracy.report.WeightSummary;
import dev.gauntlet.accuracy.weights.WeightErrors;
import dev.gauntlet.engine.backend.ComputeBackend;
import dev.gauntlet.engine.backend.ComputeBackends;
import dev.gauntlet.engine.gguf.GgmlType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The in-process accuracy run: the model loaded once per precision, the reference (on the CPU)
 * against every candidate (on the CPU or a GPU backend) at the weight, logit and generation
 * levels, then the gates.
 */
public final class AccuracySuite {
    private AccuracySuite() {
    }

    /**
     * Runs every measurement of {@code options} and checks {@code gates}.
     *
     * @throws NoSuchFileException naming the model or text file when one is missing
     */
    public static AccuracyReport run(SuiteOptions options, Gates gates) throws IOException {
        requireFile(options.model(), "model");
        requireFile(options.text(), "held-out text");
        String text = Files.readString(options.text(), StandardCharsets.UTF_8);
        ComputeBackend candidateBackend = ComputeBackends.available(options.candidateBackend());
        List<EngineBackend> candidates = new ArrayList<>();
        try (EngineBackend reference = EngineBackend.load(options.model(), options.reference())) {
            for (GgmlType type : options.candidates()) {
                candidates.add(EngineBackend.load(options.model(), type, candidateBackend, options.candidateTensorParallel()));
            }
            EvalWindows windows = EvalWindows.of(reference.tokenizer(), text, options.maxTokens(), options.ctx());
            var logits = TeacherForcedEvaluator.evaluate(reference, candidates, windows, reference.tokenizer(),
                    KlMethod.EXACT, options.worstTokens());
            List<GenerationMetrics> generation = options.prompts() == 0 ? null
                    : GenerationEvaluator.evaluate(reference, candidates,
                            GenerationPrompts.from(windows, options.prompts(), options.promptTokens()), options.newTokens());
            List<PairResult> pairs = new ArrayList<>();
            for (int i = 0; i < candidates.size(); i++) {
                EngineBackend c = candidates.get(i);
                PairResult pair = new PairResult("in-process", reference.label(), c.label(), KlMethod.EXACT.describe(),
                        WeightSummary.of(WeightErrors.measure(options.model(), c.precision())),
                        logits.get(i).metrics(), logits.get(i).worst(), generation == null ? null : generation.get(i), null);
                pairs.add(pair.withGate(gates.check(pair)));
            }
            var config = reference.model().config();
            return report(new AccuracyReport.ModelInfo(options.model().toString(), reference.name(), config.vocab(),
                            config.contextLength()),
                    textInfo(options.text(), windows),
                    new AccuracyReport.Settings(options.prompts(), options.promptTokens(), options.newTokens(), 0), pairs);
        } finally {
            candidates.forEach(EngineBackend::close);
        }
    }

    /** The report of finished pairs: passed unless a gated pair failed. */
    public static AccuracyReport report(AccuracyReport.ModelInfo model, AccuracyReport.TextInfo text,
                                        AccuracyReport.Settings settings, List<PairResult> pairs) {
        boolean passed = pairs.stream().allMatch(p -> p.gate() == null || p.gate().passed());
        return new AccuracyReport(AccuracyReport.SCHEMA, Instant.now().toString(), model, text, settings,
                List.copyOf(pairs), passed);
    }

    /** How the text was cut, for the report. */
    public static AccuracyReport.TextInfo textInfo(Path text, EvalWindows windows) {
        return new AccuracyReport.TextInfo(text.toString(), windows.textTokens(), windows.ctx(), windows.windows().length,
                windows.scoredTokens());
    }

    /** Fails with the missing path named, and what it was meant to be. */
    public static void requireFile(Path path, String what) throws NoSuchFileException {
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null, what + " file not found");
        }
    }
}
