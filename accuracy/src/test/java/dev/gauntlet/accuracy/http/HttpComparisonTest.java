package dev.gauntlet.accuracy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.accuracy.TinyModels;
import dev.gauntlet.accuracy.backend.EngineBackend;
import dev.gauntlet.accuracy.gate.Gates;
import dev.gauntlet.accuracy.logits.EvalWindows;
import dev.gauntlet.accuracy.logits.TeacherForcedEvaluator;
import dev.gauntlet.accuracy.metrics.KlMethod;
import dev.gauntlet.accuracy.metrics.LogitMetrics;
import dev.gauntlet.accuracy.report.AccuracyReport;
import dev.gauntlet.accuracy.report.AccuracySchema;
import dev.gauntlet.accuracy.report.ReportWriter;
import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.load.target.EmbeddedEngine;
import dev.gauntlet.load.target.ServerProcess;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two reference servers on free loopback ports serving the same tiny model at F32 and Q4_0: the
 * HTTP comparison must give what the in-process comparison gives from the same top-k logprobs,
 * and stay below the exact KL divergence.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpComparisonTest {
    private static final int CTX = 64;
    private static final int TOKENS = 4 * CTX;
    private static final int TOP_K = 20;

    @TempDir
    static Path dir;
    static Path model;
    static Path text;
    static final List<ServerProcess> servers = new ArrayList<>();

    @BeforeAll
    static void startServers() throws Exception {
        model = TinyModels.write(dir);
        text = TinyModels.text(dir);
        List<String> jvm = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx384m");
        Path jar = EmbeddedEngine.locateServerJar();
        for (String quant : List.of("f32", "q4_0")) {
            Path log = dir.resolve(quant + ".log");
            servers.add(ServerProcess.launch(quant, jvm, jar, 0, List.of("--model", model.toString(), "--quant", quant),
                    log));
        }
        for (ServerProcess s : servers) {
            s.awaitReady(Duration.ofSeconds(90));
        }
    }

    @AfterAll
    static void stopServers() throws InterruptedException {
        for (ServerProcess s : servers) {
            s.process().destroy();
        }
        for (ServerProcess s : servers) {
            if (!s.process().waitFor(10, TimeUnit.SECONDS)) {
                s.process().destroyForcibly();
            }
        }
    }

    private static HttpOptions options(URI reference, URI candidate) {
        return new HttpOptions(reference, candidate, null, null, model, text, TOKENS, CTX, TOP_K, 5);
    }

    @Test
    void httpMetricsMatchTheInProcessTopKComparison() throws Exception {
        AccuracyReport http = HttpComparison.run(options(servers.get(0).url(), servers.get(1).url()), Gates.NONE);
        LogitMetrics overHttp = http.pairs().getFirst().logits();
        assertEquals(java.util.Set.of(), AccuracySchema.problems(ReportWriter.write(http, dir.resolve("http-report"))));
        assertEquals("top-20 lower bound", http.pairs().getFirst().kldMethod());

        LogitMetrics topK;
        LogitMetrics exact;
        try (EngineBackend f32 = EngineBackend.load(model, GgmlType.F32);
             EngineBackend q4 = EngineBackend.load(model, GgmlType.Q4_0)) {
            EvalWindows windows = EvalWindows.of(f32.tokenizer(), Files.readString(text, StandardCharsets.UTF_8), TOKENS, CTX);
            topK = TeacherForcedEvaluator.evaluate(f32, List.of(q4), windows, f32.tokenizer(), KlMethod.topK(TOP_K), 0)
                    .getFirst().metrics();
            exact = TeacherForcedEvaluator.evaluate(f32, List.of(q4), windows, f32.tokenizer(), KlMethod.EXACT, 0)
                    .getFirst().metrics();
        }
        assertEquals(topK.tokens(), overHttp.tokens());
        // The servers compute the same logits (batch-invariant kernels); only JSON and token-text keys differ.
        assertEquals(topK.pplReference(), overHttp.pplReference(), 1e-6 * topK.pplReference());
        assertEquals(topK.pplCandidate(), overHttp.pplCandidate(), 1e-6 * topK.pplCandidate());
        assertEquals(topK.kldMean(), overHttp.kldMean(), 1e-6 + 1e-3 * topK.kldMean());
        assertEquals(topK.top1Pct(), overHttp.top1Pct(), 100.0 / topK.tokens() + 1e-9);
        assertEquals(topK.rmsDpPct(), overHttp.rmsDpPct(), 1e-4);
        // Perplexities and Δp of the true token are exact over HTTP; KL is a lower bound of the exact one.
        assertEquals(exact.pplCandidate(), overHttp.pplCandidate(), 1e-6 * exact.pplCandidate());
        assertEquals(exact.rmsDpPct(), overHttp.rmsDpPct(), 1e-4);
        assertTrue(overHttp.kldMean() > 0);
        assertTrue(overHttp.kldMean() <= exact.kldMean() + 1e-6, overHttp.kldMean() + " > exact " + exact.kldMean());
    }

    @Test
    void anEndpointAgainstItselfAgreesExactly() throws Exception {
        LogitMetrics m = HttpComparison.run(options(servers.get(1).url(), servers.get(1).url()), Gates.NONE)
                .pairs().getFirst().logits();
        assertEquals(0, m.kldMax());
        assertEquals(100, m.top1Pct());
        assertEquals(0, m.deltaPplPct());
    }

    @Test
    void anUnreachableEndpointIsNamed() throws IOException {
        URI nowhere;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            nowhere = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
        URI closed = nowhere;
        IOException e = assertThrows(IOException.class, () -> HttpComparison.run(options(servers.get(0).url(), closed), Gates.NONE));
        assertTrue(e.getMessage().contains(closed.toString()), e.getMessage());
    }
}
