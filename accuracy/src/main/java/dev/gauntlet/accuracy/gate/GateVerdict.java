package dev.gauntlet.accuracy.gate;

import java.util.List;

/**
 * A pair checked against its gate.
 *
 * @param gate     the gate's key ({@code q4_0}, {@code http})
 * @param passed   whether every threshold held
 * @param failures one line per threshold crossed, naming the metric, its value and the limit
 */
public record GateVerdict(String gate, boolean passed, List<String> failures) {
}
