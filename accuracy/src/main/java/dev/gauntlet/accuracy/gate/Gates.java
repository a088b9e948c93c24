package dev.gauntlet.accuracy.gate;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.accuracy.report.PairResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Thresholds per precision (or per pair kind), read from a gate file (schema {@value #SCHEMA}):
 *
 * <pre>{@code
 * {"schema": "gauntlet.accuracy-gates/v1",
 *  "gates": {"q8_0": {"kld_mean": {"max": 0.001}, "top1_pct": {"min": 99}}}}
 * }</pre>
 *
 * @param gates thresholds by gate key ({@code f16}, {@code q8_0}, {@code q4_0}, {@code http})
 */
public record Gates(Map<String, List<Threshold>> gates) {
    /** The gate-file schema id. */
    public static final String SCHEMA = "gauntlet.accuracy-gates/v1";
    /** The bundled model's gate file, relative to the checkout root. */
    public static final String BUNDLED = "accuracy/gates.json";

    /** No gates: nothing is checked. */
    public static final Gates NONE = new Gates(Map.of());

    /**
     * Reads a gate file.
     *
     * @throws IllegalArgumentException naming the file and what is wrong in it
     */
    public static Gates load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "gate file not found");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (JacksonException e) {
            throw new IllegalArgumentException("gate file " + file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        try {
            return parse(root);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("gate file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a gate file's parsed JSON; the error says what is wrong in it. */
    public static Gates parse(JsonNode root) {
        if (!SCHEMA.equals(root.path("schema").asText())) {
            throw new IllegalArgumentException("schema must be \"" + SCHEMA + "\", got " + root.path("schema"));
        }
        JsonNode gates = root.path("gates");
        if (!gates.isObject()) {
            throw new IllegalArgumentException("\"gates\" must be an object of gate keys");
        }
        Map<String, List<Threshold>> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> gate : gates.properties()) {
            List<Threshold> thresholds = new ArrayList<>();
            for (Map.Entry<String, JsonNode> t : gate.getValue().properties()) {
                thresholds.add(new Threshold(GateMetric.parse(t.getKey()), bound(t.getValue(), "min"), bound(t.getValue(), "max")));
            }
            out.put(gate.getKey(), List.copyOf(thresholds));
        }
        return new Gates(Map.copyOf(out));
    }

    private static Double bound(JsonNode threshold, String name) {
        JsonNode v = threshold.get(name);
        if (v == null) {
            return null;
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException(name + " must be a number, got " + v);
        }
        return v.asDouble();
    }

    /** The pair's verdict under its gate ({@link PairResult#gateKey()}), or null when none applies. */
    public GateVerdict check(PairResult pair) {
        List<Threshold> thresholds = gates.get(pair.gateKey());
        if (thresholds == null) {
            return null;
        }
        List<String> failures = new ArrayList<>();
        for (Threshold t : thresholds) {
            String v = t.violation(t.metric().valueOf(pair));
            if (v != null) {
                failures.add(v);
            }
        }
        return new GateVerdict(pair.gateKey(), failures.isEmpty(), List.copyOf(failures));
    }
}
