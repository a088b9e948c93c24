package dev.gauntlet.load.stats;

import java.util.List;

/** The failures of one class in a stage: how many, and up to three example messages. */
public record ErrorSummary(long count, List<String> examples) {
}
