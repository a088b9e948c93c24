package dev.gauntlet.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class RooflineReportTest {

    /** A result whose three iterations scored 0.8, 1.0 and 1.2 times its mean, in every metric. */
    private static String result(String benchmark, String params, double score, double bytes, double multiplyAdds) {
        return """
                {"benchmark": "dev.gauntlet.bench.%s", "params": {%s},
                 "primaryMetric": %s,
                 "secondaryMetrics": {"bytes": %s, "multiplyAdds": %s}}"""
                .formatted(benchmark, params, metric(score), metric(bytes), metric(multiplyAdds));
    }

    private static String metric(double score) {
        return "{\"score\": %s, \"rawData\": [[%s, %s, %s]]}".formatted(score, 0.8 * score, score, 1.2 * score);
    }

    @Test
    void rowsAreSharesOfBothRooflinesMeasuredInTheSameRun() throws Exception {
        String step1 = "\"shape\": \"1b\", \"quant\": \"q8_0\", \"batch\": \"1\", \"context\": \"64\"";
        String step8 = "\"shape\": \"1b\", \"quant\": \"q8_0\", \"batch\": \"8\", \"context\": \"64\"";
        JsonNode results = new ObjectMapper().readTree("[" + String.join(",",
                result("MemoryBandwidthBenchmark.copy", "", 100, 50e9, 0),
                result("MemoryBandwidthBenchmark.read", "", 100, 40e9, 0),
                result("ComputePeakBenchmark.fma", "", 500, 0, 200e9),
                // 1.3 GB and 1.2e9 multiply-adds a token: 20 steps/s reads 26 GB/s (52% of copy) and does 24e9 (12%)
                result("DecodeStepBenchmark.decodeStep", step1, 20, 26e9, 24e9),
                // 5 steps/s of 8 tokens: 40 tokens/s (2.00x), 48e9 multiply-adds/s (24%)
                result("DecodeStepBenchmark.decodeStep", step8, 5, 6.5e9, 48e9)) + "]");

        String table = RooflineReport.render(results);

        assertTrue(table.contains("copy 50.0 (40.0–60.0) GB/s"), table);
        assertTrue(table.contains("Compute peak (same run): 200.0 (160.0–240.0) G float multiply-adds/s"), table);
        assertTrue(table.contains("differ by up to 50% in this run"), table);
        // 20 steps/s in iterations of 16 to 24: 62.5 ms down to 41.7 ms
        assertTrue(table.contains("| 1b | q8_0 | 1 | 50.0 (41.7–62.5) | 20.00 | 1300 | 26.0 | 52% | 12% | 1.00x |"), table);
        assertTrue(table.contains("| 1b | q8_0 | 8 | 200.0 (166.7–250.0) | 40.00 | 1300 | 6.5 | 13% | 24% | 2.00x |"), table);
    }

    @Test
    void aRunOfSingleIterationsSaysItsNoiseIsUnknownRatherThanZero() throws Exception {
        JsonNode results = new ObjectMapper().readTree("""
                [{"benchmark": "dev.gauntlet.bench.MemoryBandwidthBenchmark.copy", "params": {},
                  "primaryMetric": {"score": 100, "rawData": [[100]]},
                  "secondaryMetrics": {"bytes": {"score": 5e10, "rawData": [[5e10]]}}}]""");

        String table = RooflineReport.render(results);

        assertTrue(table.contains("Noise: not measured, one iteration per benchmark"), table);
        assertTrue(table.contains("copy 50.0 (50.0–50.0) GB/s"), table);
    }
}
