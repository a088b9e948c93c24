package dev.gauntlet.load.campaign;

import dev.gauntlet.load.simulation.StagePlan;
import java.util.List;

/**
 * Decides a campaign's stages one at a time, so that a stage may depend on how the earlier ones went
 * (a capacity search); a fixed list is the simple case.
 */
public interface StagePlanner {

    /** The stage to run after {@code finished}, or null when the campaign is done. */
    StagePlan next(List<StageResult> finished);

    /** The most stages it will plan, for progress lines. */
    int maxStages();

    /** Whether a stage is stopped as soon as the target is clearly over-saturated (its result then known). */
    default boolean stopsSaturatedStages() {
        return false;
    }

    /** The stages of {@code plans}, in order. */
    static StagePlanner fixed(List<StagePlan> plans) {
        if (plans.isEmpty()) {
            throw new IllegalArgumentException("a campaign needs at least one stage");
        }
        List<StagePlan> copy = List.copyOf(plans);
        return new StagePlanner() {
            @Override
            public StagePlan next(List<StageResult> finished) {
                return finished.size() < copy.size() ? copy.get(finished.size()) : null;
            }

            @Override
            public int maxStages() {
                return copy.size();
            }
        };
    }
}
