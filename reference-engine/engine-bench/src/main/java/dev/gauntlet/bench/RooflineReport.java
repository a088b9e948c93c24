package dev.gauntlet.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
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
 * <p>Each rate also shows the range of its measurement iterations, and the report states the
 * widest spread of the run: on a shared host the same step can swing by tens of percent, and a
 * difference smaller than the spread is not a result.
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
        // Missing nodes where the run lacks a benchmark: their rates read as NaN.
        JsonNode copy = MissingNode.getInstance();
        JsonNode read = copy;
        JsonNode peak = copy;
        double spread = 0;
        int iterations = 0;
        for (JsonNode r : results) {
            String name = r.path("benchmark").asText();
            if (name.endsWith("MemoryBandwidthBenchmark.copy")) {
                copy = r.path("secondaryMetrics").path("bytes");
            } else if (name.endsWith("MemoryBandwidthBenchmark.read")) {
                read = r.path("secondaryMetrics").path("bytes");
            } else if (name.endsWith("ComputePeakBenchmark.fma")) {
                peak = r.path("secondaryMetrics").path("multiplyAdds");
            }
            double[] range = range(r.path("primaryMetric"));
            spread = Math.max(spread, range[1] / range[0] - 1);
            for (JsonNode fork : r.path("primaryMetric").path("rawData")) {
                iterations = Math.max(iterations, fork.size());
            }
        }
        double copyRate = score(copy);
        double peakRate = score(peak);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Memory bandwidth (same run): copy %s GB/s (bytes read + written), read-only %s GB/s%n%n",
                withRange(copy, 1e-9, false), withRange(read, 1e-9, false)));
        sb.append(String.format(Locale.ROOT, "Compute peak (same run): %s G float multiply-adds/s%n%n", withRange(peak, 1e-9, false)));
        if (iterations < 2) {
            sb.append(String.format(Locale.ROOT, "Noise: not measured, one iteration per benchmark; run several (JMH's -i) "
                    + "before comparing rows or runs.%n%n"));
        } else {
            sb.append(String.format(Locale.ROOT, "Noise: the iterations of one benchmark differ by up to %.0f%% in this run "
                    + "(ranges in parentheses); read a smaller difference as noise.%n%n", 100 * spread));
        }
        sb.append("| shape | quant | batch | step ms (iterations) | tokens/s | weight MB/step | weight GB/s | % of copy roofline "
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
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %.2f | %.0f | %.1f | %.0f%% | %.0f%% | %s |%n",
                    p.path("shape").asText(), p.path("quant").asText(), batch, withRange(r.path("primaryMetric"), 1000, true),
                    tokens, bytesPerSecond / steps / 1e6, bytesPerSecond / 1e9, 100 * bytesPerSecond / copyRate,
                    100 * secondary(r, "multiplyAdds") / peakRate,
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
        return score(r.path("secondaryMetrics").path(counter));
    }

    /** A metric's mean score, or NaN where there is none. */
    private static double score(JsonNode metric) {
        return metric.path("score").asDouble(Double.NaN);
    }

    /** The lowest and highest score of a metric's iterations (all forks), its mean for both where JMH gave none. */
    private static double[] range(JsonNode metric) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (JsonNode fork : metric.path("rawData")) {
            for (JsonNode iteration : fork) {
                lo = Math.min(lo, iteration.asDouble());
                hi = Math.max(hi, iteration.asDouble());
            }
        }
        return lo <= hi ? new double[] {lo, hi} : new double[] {score(metric), score(metric)};
    }

    /**
     * A rate times {@code factor} with its iterations' range, as "mean (low–high)"; {@code
     * inverse} shows {@code factor / rate} instead (a time per operation), so the range flips.
     */
    private static String withRange(JsonNode metric, double factor, boolean inverse) {
        double[] range = range(metric);
        double mean = score(metric);
        if (inverse) {
            return String.format(Locale.ROOT, "%.1f (%.1f–%.1f)", factor / mean, factor / range[1], factor / range[0]);
        }
        return String.format(Locale.ROOT, "%.1f (%.1f–%.1f)", mean * factor, range[0] * factor, range[1] * factor);
    }
}
