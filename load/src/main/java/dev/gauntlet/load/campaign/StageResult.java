package dev.gauntlet.load.campaign;

import dev.gauntlet.load.client.RequestRecord;
import dev.gauntlet.load.simulation.StagePlan;
import dev.gauntlet.load.stats.StageStatistics;
import java.nio.file.Path;
import java.util.List;

/**
 * A finished stage.
 *
 * @param originNanos    the stage's start on the campaign clock
 * @param records        every request it sent
 * @param injectorCores  processor time the injector (this JVM) used per second of the stage
 * @param gatlingReport  Gatling's report folder for the stage
 * @param warning        why the injector, not the target, may have limited the stage; null when it did not
 */
public record StageResult(StagePlan plan, long originNanos, List<RequestRecord> records, StageStatistics stats,
                          double injectorCores, Path gatlingReport, String warning) {
}
