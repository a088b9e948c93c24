package dev.gauntlet.cli;

import dev.gauntlet.accuracy.AccuracySuite;
import dev.gauntlet.accuracy.SuiteOptions;
import dev.gauntlet.accuracy.gate.Gates;
import dev.gauntlet.accuracy.http.HttpComparison;
import dev.gauntlet.accuracy.http.HttpOptions;
import dev.gauntlet.accuracy.report.AccuracyReport;
import dev.gauntlet.accuracy.report.ConsoleTable;
import dev.gauntlet.accuracy.report.PairResult;
import dev.gauntlet.accuracy.report.ReportWriter;
import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.kernel.Parallel;
import dev.gauntlet.engine.model.BundledModel;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gauntlet accuracy}: how far each precision drifts from the F32 reference on a held-out
 * text (in process), or how far a candidate endpoint drifts from a reference endpoint (over HTTP).
 * Writes {@code accuracy.json} into the run folder, prints the table, and exits 1 when a gate fails.
 */
@Command(name = "accuracy", mixinStandardHelpOptions = true,
        description = "Measure quantization accuracy against an F32 reference (or between two endpoints) and gate on it.")
final class AccuracyCommand implements Callable<Integer> {
    @Option(names = "--model", description = "GGUF model (over HTTP: the tokenizer that cuts the text). "
            + "Default: the bundled model, " + BundledModel.MODEL + ".")
    Path model;

    @Option(names = "--quants", split = ",", defaultValue = "f16,q8_0,q4_0",
            description = "Precisions compared with F32 (default: ${DEFAULT-VALUE}).")
    List<String> quants;

    @Option(names = {"--backend", "--candidate-backend"}, defaultValue = "cpu",
            description = "Where the candidate precisions run: cpu or cuda; the F32 reference runs on the CPU (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--tp", defaultValue = "1",
            description = "CUDA backend: split each candidate over this many GPUs, tensor parallel (default: ${DEFAULT-VALUE}).")
    int tensorParallel;

    @Option(names = "--text", description = "Held-out text. Default: " + BundledModel.HELD_OUT_TEXT + ".")
    Path text;

    @Option(names = "--tokens", defaultValue = "" + SuiteOptions.DEFAULT_TOKENS,
            description = "Text tokens to use at most, in whole windows (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--ctx", defaultValue = "" + SuiteOptions.DEFAULT_CTX,
            description = "Tokens per window; the second half of each is scored (default: ${DEFAULT-VALUE}).")
    int ctx;

    @Option(names = "--prompts", defaultValue = "" + SuiteOptions.DEFAULT_PROMPTS,
            description = "Greedy-generation prompts, 0 for none (default: ${DEFAULT-VALUE}).")
    int prompts;

    @Option(names = "--prompt-tokens", defaultValue = "" + SuiteOptions.DEFAULT_PROMPT_TOKENS,
            description = "Tokens per prompt (default: ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--new-tokens", defaultValue = "" + SuiteOptions.DEFAULT_NEW_TOKENS,
            description = "Tokens generated per prompt (default: ${DEFAULT-VALUE}).")
    int newTokens;

    @Option(names = "--reference", description = "Reference endpoint base URL (with --candidate: compare over HTTP).")
    String referenceUrl;

    @Option(names = "--candidate", description = "Candidate endpoint base URL.")
    String candidateUrl;

    @Option(names = "--reference-model", description = "Model name at the reference (default: its first listed).")
    String referenceModel;

    @Option(names = "--candidate-model", description = "Model name at the candidate (default: its first listed).")
    String candidateModel;

    @Option(names = "--top-k", defaultValue = "20",
            description = "Over HTTP: logprobs asked per position; KL becomes a top-k lower bound (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--gates", description = "Gate file (e.g. " + Gates.BUNDLED + "); a crossed gate exits 1.")
    Path gates;

    @Option(names = "--worst-tokens", defaultValue = "" + SuiteOptions.DEFAULT_WORST_TOKENS,
            description = "Worst tokens kept per pair (default: ${DEFAULT-VALUE}).")
    int worstTokens;

    @Option(names = "--threads", description = "Worker threads (default: all cores).")
    Integer threads;

    @Option(names = "--out", description = "Run folder (default: runs/accuracy-<time>).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (threads != null) {
            Parallel.setThreads(threads);
        }
        if ((referenceUrl == null) != (candidateUrl == null)) {
            throw new IllegalArgumentException("--reference and --candidate go together (got only "
                    + (referenceUrl != null ? "--reference" : "--candidate") + ")");
        }
        Path modelFile = model != null ? model : BundledModel.model();
        Path textFile = text != null ? text : BundledModel.heldOutText();
        Gates g = gates == null ? Gates.NONE : Gates.load(gates);
        AccuracyReport report = referenceUrl != null
                ? HttpComparison.run(new HttpOptions(url("--reference", referenceUrl), url("--candidate", candidateUrl),
                        referenceModel, candidateModel, modelFile, textFile, tokens, ctx, topK, worstTokens), g)
                : AccuracySuite.run(new SuiteOptions(modelFile, GgmlType.F32, precisions(), backend, tensorParallel, textFile, tokens, ctx, prompts,
                        promptTokens, newTokens, worstTokens), g);
        Path dir = out != null ? out
                : Path.of("runs", "accuracy-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Path file = ReportWriter.write(report, dir);
        System.out.print(ConsoleTable.render(report));
        System.out.println();
        System.out.println("wrote " + file);
        boolean passed = true;
        for (PairResult p : report.pairs()) {
            if (p.gate() != null && !p.gate().passed()) {
                passed = false;
                p.gate().failures().forEach(f -> System.err.println("gate " + p.gate().gate() + ": " + f));
            }
        }
        return passed ? 0 : 1;
    }

    private List<GgmlType> precisions() {
        List<GgmlType> types = new ArrayList<>();
        for (String q : quants) {
            try {
                types.add(GgmlType.parse(q.trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--quants: " + e.getMessage(), e);
            }
        }
        return types;
    }

    private static URI url(String option, String value) {
        try {
            URI uri = new URI(value);
            if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
                throw new IllegalArgumentException(option + " must be an http(s) URL, got '" + value + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(option + " is not a URL: '" + value + "'", e);
        }
    }
}
