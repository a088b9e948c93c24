package dev.gauntlet.load.results;

import dev.gauntlet.load.campaign.CampaignConfig;
import dev.gauntlet.load.campaign.StageResult;
import dev.gauntlet.load.simulation.CampaignClock;
import dev.gauntlet.load.target.TargetInfo;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** A finished campaign, as its results files describe it. */
public record CampaignResults(CampaignConfig config, URI baseUrl, String model, TargetInfo target, Instant started,
                              Instant ended, CampaignClock clock, List<StageResult> stages) {

    /** The run folder. */
    public Path folder() {
        return config.out();
    }

    /** Requests sent over all stages. */
    public long requests() {
        return stages.stream().mapToLong(s -> s.records().size()).sum();
    }
}
