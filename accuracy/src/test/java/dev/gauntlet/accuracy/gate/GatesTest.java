package dev.gauntlet.accuracy.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.engine.Checkout;
import dev.gauntlet.accuracy.generation.GenerationMetrics;
import dev.gauntlet.accuracy.metrics.LogitMetrics;
import dev.gauntlet.accuracy.report.PairResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Gate files: parsing, errors that name the problem, and verdicts. */
class GatesTest {
    @TempDir
    Path dir;

    private static PairResult pair(String candidate, double kldMean, double top1, double deltaPpl) {
        LogitMetrics m = new LogitMetrics(100, 10, 10 * (1 + deltaPpl / 100), deltaPpl, 0, kldMean, 0, kldMean, kldMean,
                kldMean, top1, 0, 1, 1, 1);
        return new PairResult("in-process", "f32", candidate, "exact", null, m, List.of(),
                new GenerationMetrics(4, 8, 8, 75, 6.5, 90), null);
    }

    private static Gates parse(String json) throws Exception {
        return Gates.parse(new ObjectMapper().readTree(json));
    }

    @Test
    void theBundledGateFileParsesAndGatesEveryPrecision() throws Exception {
        Gates gates = Gates.load(Checkout.locate(Gates.BUNDLED));
        for (String key : List.of("f16", "q8_0", "q4_0", "http")) {
            assertTrue(gates.gates().containsKey(key), key);
        }
    }

    @Test
    void passesWithinAndFailsOutsideNamingMetricValueAndLimit() throws Exception {
        Gates gates = parse("""
                {"schema": "gauntlet.accuracy-gates/v1",
                 "gates": {"q8_0": {"kld_mean": {"max": 0.001}, "top1_pct": {"min": 99},
                                    "abs_delta_ppl_pct": {"max": 1}, "greedy_exact_match_pct": {"min": 50}}}}""");
        assertTrue(gates.check(pair("q8_0", 0.0009, 99.5, -0.9)).passed());
        GateVerdict v = gates.check(pair("q8_0", 0.002, 98, -1.5));
        assertFalse(v.passed());
        assertEquals(List.of("kld_mean = 0.00200000 is above the maximum 0.00100000",
                "top1_pct = 98.0000 is below the minimum 99.0000",
                "abs_delta_ppl_pct = 1.50000 is above the maximum 1.00000"), v.failures());
        assertNull(gates.check(pair("q4_0", 1, 0, 50)), "no gate for q4_0");
    }

    @Test
    void aMetricThePairDidNotMeasureFailsItsGate() throws Exception {
        Gates gates = parse("""
                {"schema": "gauntlet.accuracy-gates/v1", "gates": {"q8_0": {"min_snr_db": {"min": 30}}}}""");
        assertEquals(List.of("min_snr_db was not measured"), gates.check(pair("q8_0", 0, 100, 0)).failures());
    }

    @Test
    void badFilesAreRefusedWithWhatIsWrong() throws Exception {
        var unknown = assertThrows(IllegalArgumentException.class, () -> parse("""
                {"schema": "gauntlet.accuracy-gates/v1", "gates": {"q8_0": {"kl_mean": {"max": 1}}}}"""));
        assertTrue(unknown.getMessage().contains("unknown gate metric 'kl_mean'"), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("kld_mean"), "lists the known names");
        var schema = assertThrows(IllegalArgumentException.class, () -> parse("{\"gates\": {}}"));
        assertTrue(schema.getMessage().contains("schema"), schema.getMessage());
        var bound = assertThrows(IllegalArgumentException.class, () -> parse("""
                {"schema": "gauntlet.accuracy-gates/v1", "gates": {"q8_0": {"kld_mean": {}}}}"""));
        assertTrue(bound.getMessage().contains("neither min nor max"), bound.getMessage());
        Path broken = Files.writeString(dir.resolve("gates.json"), "{not json");
        var json = assertThrows(IllegalArgumentException.class, () -> Gates.load(broken));
        assertTrue(json.getMessage().contains(broken.toString()), json.getMessage());
        assertThrows(java.nio.file.NoSuchFileException.class, () -> Gates.load(dir.resolve("missing.json")));
    }
}
