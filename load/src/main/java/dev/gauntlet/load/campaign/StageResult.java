package dev.gauntlet.load.campaign;

import dev.gauntlet.load.client.RequestRecord;
import dev.gauntlet.load.simulation.Phase;
import dev.gauntlet.load.simulation.StagePlan;
import dev.gauntlet.load.stats.StageStatistics;
import java.nio.file.Path;
import java.util.List;

/**
 * A finished stage.
 *
 * @param originNanos    the stage's start on the campaign clock
 * @param records        every request it sent
 * @param phases         statistics of each of the plan's phases, in order
 * @param injectorCores  processor time the injector (this JVM) used per second of the stage
 * @param gatlingReport  Gatling's report folder for the stage
 * @param warning        why the injector, not the target, may have limited the stage; null when it did not
 * @param stoppedEarly   why the stage was stopped before its end (the target over-saturated); null when it ran out
 */
public record StageResult(StagePlan plan, long originNanos, List<RequestRecord> records, StageStatistics stats,
                          List<PhaseResult> phases, double injectorCores, Path gatlingReport, String warning,
                          String stoppedEarly) {

    /** One phase's statistics. */
    public record PhaseResult(Phase phase, StageStatistics stats) {
    }
}
