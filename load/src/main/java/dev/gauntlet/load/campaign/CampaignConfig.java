package dev.gauntlet.load.campaign;

import dev.gauntlet.load.client.ApiKind;
import dev.gauntlet.load.simulation.StagePlan;
import dev.gauntlet.load.stats.Slo;
import dev.gauntlet.load.workload.Workload;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything a campaign needs.
 *
 * @param target         the base URL, or null for the embedded reference engine
 * @param model          the model to ask for, or null for the target's first listed model
 * @param apiKey         bearer token, or null
 * @param api            completions or chat
 * @param workload       what each request asks
 * @param profile        the profile's name, for the record
 * @param stages         the stages, run one after the other
 * @param slo            the goodput objective
 * @param requestTimeout longest a request may take
 * @param out            the run folder
 * @param engineCpus     processors the embedded engine may use (0: all)
 */
public record CampaignConfig(URI target, String model, String apiKey, ApiKind api, Workload workload, String profile,
                             List<StagePlan> stages, Slo slo, Duration requestTimeout, Path out, int engineCpus) {

    public CampaignConfig {
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("a campaign needs at least one stage");
        }
        stages = List.copyOf(stages);
    }

    /** Whether the campaign starts its own reference engine. */
    public boolean embedded() {
        return target == null;
    }
}
