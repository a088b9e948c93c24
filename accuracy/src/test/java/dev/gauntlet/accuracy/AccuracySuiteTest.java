package dev.gauntlet.accuracy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.accuracy.gate.Gates;
import dev.gauntlet.accuracy.metrics.LogitMetrics;
import dev.gauntlet.accuracy.report.AccuracyReport;
import dev.gauntlet.accuracy.report.ConsoleTable;
import dev.gauntlet.accuracy.report.PairResult;
import dev.gauntlet.accuracy.report.AccuracySchema;
import dev.gauntlet.accuracy.report.ReportWriter;
import dev.gauntlet.engine.backend.ComputeBackends;
import dev.gauntlet.engine.gguf.GgmlType;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole in-process run on a tiny synthetic model: F32 against itself is exact, quantized is not. */
class AccuracySuiteTest {
    @TempDir
    static Path dir;
    static AccuracyReport report;

    @BeforeAll
    static void run() throws Exception {
        SuiteOptions options = new SuiteOptions(TinyModels.write(dir), GgmlType.F32,
                List.of(GgmlType.F32, GgmlType.Q8_0, GgmlType.Q4_0), ComputeBackends.CPU, 1, TinyModels.text(dir), 640, 64, 4, 16,
                12, 5);
        report = AccuracySuite.run(options, Gates.parse(new ObjectMapper().readTree("""
                {"schema": "gauntlet.accuracy-gates/v1",
                 "gates": {"f32": {"kld_max": {"max": 0}, "top1_pct": {"min": 100}},
                           "q4_0": {"kld_mean": {"max": 1e-9}}}}""")));
    }

    private static PairResult pair(String candidate) {
        return report.pairs().stream().filter(p -> p.candidate().equals(candidate)).findFirst().orElseThrow();
    }

    @Test
    void cutsTheTextIntoWindowsAndScoresTheirSecondHalves() {
        assertEquals(10, report.text().windows());
        assertEquals(64, report.text().ctx());
        // Per window, positions 32..62 are scored: 31 tokens.
        assertEquals(10 * 31, report.text().scoredTokens());
        report.pairs().forEach(p -> assertEquals(310, p.logits().tokens()));
    }

    @Test
    void theReferenceAgainstItselfIsExact() {
        PairResult same = pair("f32");
        LogitMetrics m = same.logits();
        assertEquals(0, m.kldMean());
        assertEquals(0, m.kldMax());
        assertEquals(100, m.top1Pct());
        assertEquals(0, m.deltaPplPct());
        assertEquals(0, m.rmsDpPct());
        assertEquals(m.pplReference(), m.pplCandidate());
        assertEquals(100, same.generation().exactMatchPct());
        assertEquals(12, same.generation().meanFirstDivergence());
        assertNull(same.weights().minSnrDb(), "F32 to F32 is no conversion");
        assertTrue(same.gate().passed(), same.gate().failures().toString());
    }

    @Test
    void quantizedCandidatesDriftAndQ4DriftsMoreThanQ8() {
        LogitMetrics q8 = pair("q8_0").logits();
        LogitMetrics q4 = pair("q4_0").logits();
        assertTrue(q8.kldMean() > 0);
        assertTrue(q4.kldMean() > q8.kldMean(), "Q4_0 " + q4.kldMean() + " vs Q8_0 " + q8.kldMean());
        assertTrue(q4.rmsDpPct() > 0);
        assertTrue(q4.kldMax() >= q4.kldP99() && q4.kldP99() >= q4.kldMedian());
        assertEquals(pair("f32").logits().pplReference(), q4.pplReference(), 1e-9, "one reference for all");
        double q8Snr = pair("q8_0").weights().minSnrDb();
        double q4Snr = pair("q4_0").weights().minSnrDb();
        // Q8_0 keeps about 6 dB per extra bit more than Q4_0 on Gaussian weights.
        assertTrue(q8Snr > q4Snr + 15, "Q8_0 " + q8Snr + " dB vs Q4_0 " + q4Snr + " dB");
        assertTrue(q4Snr > 10 && q4Snr < 30, "Q4_0 SNR " + q4Snr);
        assertEquals(5, pair("q4_0").worstTokens().size());
        assertEquals(q4.kldMax(), pair("q4_0").worstTokens().getFirst().kld(), 1e-12);
    }

    @Test
    void aCrossedGateFailsTheRunWithTheMetricNamed() {
        assertFalse(report.passed());
        var verdict = pair("q4_0").gate();
        assertFalse(verdict.passed());
        assertTrue(verdict.failures().getFirst().startsWith("kld_mean = "), verdict.failures().toString());
        assertNull(pair("q8_0").gate(), "no gate for q8_0 in this file");
    }

    @Test
    void writesAccuracyJsonAndATable() throws Exception {
        Path file = ReportWriter.write(report, dir.resolve("run"));
        assertEquals(java.util.Set.of(), AccuracySchema.problems(file));
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        // The schema does reject a report that lost a field.
        Path broken = dir.resolve("broken.json");
        new ObjectMapper().writeValue(broken.toFile(), ((com.fasterxml.jackson.databind.node.ObjectNode) json.deepCopy()).without("passed"));
        assertTrue(AccuracySchema.problems(broken).toString().contains("passed"), AccuracySchema.problems(broken).toString());
        assertEquals(AccuracyReport.SCHEMA, json.path("schema").asText());
        JsonNode q4 = json.path("pairs").path(2);
        assertEquals("q4_0", q4.path("candidate").asText());
        assertEquals(pair("q4_0").logits().kldMean(), q4.path("logits").path("kld_mean").asDouble());
        assertTrue(q4.path("weights").path("tensors").size() >= 2 * 7 + 2, "every matrix listed");
        assertTrue(json.path("pairs").path(0).path("weights").path("min_snr_db").isNull());
        assertEquals(report, ReportWriter.read(file));
        String table = ConsoleTable.render(report);
        assertTrue(table.contains("| q4_0 vs f32 | exact |"), table);
        assertNotNull(ConsoleTable.worstTokens(pair("q4_0")));
    }

    @Test
    void aMissingModelIsNamed() {
        Path missing = dir.resolve("nope.gguf");
        var e = assertThrows(NoSuchFileException.class, () -> AccuracySuite.run(
                SuiteOptions.defaults(missing, dir.resolve("heldout.txt")), Gates.NONE));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }
}
