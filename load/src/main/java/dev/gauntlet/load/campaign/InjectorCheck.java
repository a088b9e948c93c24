package dev.gauntlet.load.campaign;

import dev.gauntlet.load.stats.Metric;
import dev.gauntlet.load.stats.StageStatistics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Whether the injector, rather than the target, may have limited a stage. */
final class InjectorCheck {
    /** Above this lag at p99 the injector did not send on time, whatever the target did. */
    static final double LAG_WARNING_MS = 10;
    /** Above this share of the machine's processors the injector competes with the target for CPU. */
    static final double CPU_WARNING_SHARE = 0.5;

    private InjectorCheck() {
    }

    /**
     * Why the injector may have been the bottleneck, or null.
     *
     * @param cores processor time the injector used per second of the stage
     * @param cpus  the machine's processors
     */
    static String warning(StageStatistics stats, double cores, int cpus) {
        double lag = stats.metrics().get(Metric.INJECTOR_LAG).p99();
        List<String> reasons = new ArrayList<>();
        if (lag > LAG_WARNING_MS) {
            reasons.add(String.format(Locale.ROOT, "injector lag p99 %.1f ms > %.0f ms", lag, LAG_WARNING_MS));
        }
        if (cores > CPU_WARNING_SHARE * cpus) {
            reasons.add(String.format(Locale.ROOT, "injector used %.2f of %d cores", cores, cpus));
        }
        return reasons.isEmpty() ? null
                : "the injector, not the target, may limit this stage: " + String.join("; ", reasons);
    }
}
