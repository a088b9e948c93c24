package dev.gauntlet.load.target;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the info gauges of an engine out of a Prometheus text exposition ({@code /metrics}): the
 * series named {@code *_info} (Prometheus' convention for constant 1 gauges whose labels carry
 * facts) of the engines we know, by prefix: the reference engine's {@code llm_} (its
 * {@code llm_engine_info{model,quant,backend,tp}}), vLLM's {@code vllm:} (its
 * {@code vllm:cache_config_info}: block size, cache dtype, GPU blocks, ...) and SGLang's
 * {@code sglang:}. Anything else is ignored, and so is a line that does not parse.
 */
public final class PrometheusInfo {
    private static final List<String> ENGINE_PREFIXES = List.of("llm_", "vllm:", "sglang:");

    private PrometheusInfo() {
    }

    /** Each info gauge's series, by metric name (in exposition order): one label map per series. */
    public static Map<String, List<Map<String, String>>> parse(String exposition) {
        Map<String, List<Map<String, String>>> out = new LinkedHashMap<>();
        for (String line : exposition.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int brace = l.indexOf('{');
            int space = l.indexOf(' ');
            int nameEnd = brace >= 0 && (space < 0 || brace < space) ? brace : space;
            if (nameEnd <= 0) {
                continue;
            }
            String name = l.substring(0, nameEnd);
            if (!name.endsWith("_info") || ENGINE_PREFIXES.stream().noneMatch(name::startsWith)) {
                continue;
            }
            Map<String, String> labels = nameEnd == brace ? labels(l, brace + 1) : Map.of();
            if (labels != null) {
                out.computeIfAbsent(name, k -> new ArrayList<>()).add(labels);
            }
        }
        return out;
    }

    /** The labels of {@code name{a="1",b="x\"y"}} from just after the brace; null when malformed. */
    private static Map<String, String> labels(String line, int from) {
        Map<String, String> labels = new TreeMap<>();
        int i = from;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '}') {
                return labels;
            }
            if (c == ',' || c == ' ') {
                i++;
                continue;
            }
            int eq = line.indexOf('=', i);
            if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                return null;
            }
            String key = line.substring(i, eq).strip();
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (; j < line.length() && line.charAt(j) != '"'; j++) {
                char v = line.charAt(j);
                if (v == '\\' && j + 1 < line.length()) {
                    // The exposition format escapes backslash, double quote and line feed.
                    char next = line.charAt(++j);
                    value.append(next == 'n' ? '\n' : next);
                } else {
                    value.append(v);
                }
            }
            if (j >= line.length()) {
                return null;
            }
            labels.put(key, value.toString());
            i = j + 1;
        }
        return null;
    }
}
