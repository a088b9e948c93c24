package dev.gauntlet.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a JMH JSON result file of {@link DecodeStepBenchmark}, {@link MemoryBandwidthBenchmark}
 * and {@link ComputePeakBenchmark} (one run) into the markdown table of {@code
 * docs/performance.md}: each decode step as tokens/s, as a share of the bandwidth roofline (weight
 * bytes read per step ÷ copy bandwidth) and as a share of the compute roofline (the matrices'
 * multiply-adds per step ÷ the peak multiply-add rate).
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.gauntlet.bench.RooflineReport results.json}
 */
public final class RooflineReport {
    private RooflineReport() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: RooflineReport <jmh-results.json>");
            System.exit(2);
        }
        System.out.print(render(new ObjectMapper().readTree(Path.of(args[0]).toFile())));
    }

    /** The markdown report for one JMH result array. */
    static String render(JsonNode results) {
        double copy = Double.NaN;
        double read = Double.NaN;
        double peak = Double.NaN;
        for (JsonNode r : results) {
            String name = r.path("benchmark").asText();
            if (name.endsWith("MemoryBandwidthBenchmark.copy")) {
                copy = secondary(r, "bytes");
            } else if (name.endsWith("MemoryBandwidthBenchmark.read")) {
                read = secondary(r, "bytes");
            } else if (name.endsWith("ComputePeakBenchmark.fma")) {
                peak = secondary(r, "multiplyAdds");
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Memory bandwidth (same run): copy %.1f GB/s (bytes read + written), read-only %.1f GB/s%n%n",
                copy / 1e9, read / 1e9));
        sb.append(String.format(Locale.ROOT, "Compute peak (same run): %.0f G float multiply-adds/s%n%n", peak / 1e9));
        sb.append("| shape | quant | batch | step ms | tokens/s | weight MB/step | weight GB/s | % of copy roofline "
                + "| % of compute roofline | tokens/s vs batch 1 |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
        Map<String, Double> batchOne = new HashMap<>();
        for (JsonNode r : results) {
            if (r.path("benchmark").asText().endsWith("DecodeStepBenchmark.decodeStep")
                    && r.path("params").path("batch").asInt() == 1) {
                batchOne.put(key(r), r.path("primaryMetric").path("score").asDouble());
            }
        }
        for (JsonNode r : results) {
            if (!r.path("benchmark").asText().endsWith("DecodeStepBenchmark.decodeStep")) {
                continue;
            }
            JsonNode p = r.path("params");
            int batch = p.path("batch").asInt();
            double steps = r.path("primaryMetric").path("score").asDouble();
            double bytesPerSecond = secondary(r, "bytes");
            double tokens = steps * batch;
            Double one = batchOne.get(key(r));
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %.2f | %.0f | %.1f | %.0f%% | %.0f%% | %s |%n",
                    p.path("shape").asText(), p.path("quant").asText(), batch, 1000 / steps, tokens,
                    bytesPerSecond / steps / 1e6, bytesPerSecond / 1e9, 100 * bytesPerSecond / copy,
                    100 * secondary(r, "multiplyAdds") / peak,
                    one == null ? "" : String.format(Locale.ROOT, "%.2fx", tokens / one)));
        }
        return sb.toString();
    }

    private static String key(JsonNode r) {
        JsonNode p = r.path("params");
        return p.path("shape").asText() + "/" + p.path("quant").asText() + "/" + p.path("context").asText();
    }

    /** A {@link WorkDone} counter's rate, or NaN where the result lacks it. */
    private static double secondary(JsonNode r, String counter) {
        return r.path("secondaryMetrics").path(counter).path("score").asDouble(Double.NaN);
    }
}
