package dev.gauntlet.load.campaign;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.load.client.ApiKind;
import dev.gauntlet.load.simulation.LoadModel;
import dev.gauntlet.load.simulation.StagePlan;
import dev.gauntlet.load.stats.Slo;
import dev.gauntlet.load.stats.StageStatistics;
import dev.gauntlet.load.workload.LengthDistribution;
import dev.gauntlet.load.workload.SyntheticWorkload;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trust: against the reference engine on loopback, the client's TTFT and E2E, measured from its
 * actual send, agree with the engine's own timings (from reading the request) within 2 ms at p50.
 * One user, so that what is compared is the measurement, not the injector's own queueing.
 */
class ServerAgreementTest {

    @Test
    void clientTimingsAgreeWithTheEngineWithin2msAtTheMedian(@TempDir Path out) throws Exception {
        var config = new CampaignConfig(null, null, null, ApiKind.COMPLETIONS,
                new SyntheticWorkload(new LengthDistribution.Fixed(16), new LengthDistribution.Fixed(16), 10, 1000, 5),
                "trust", List.of(new StagePlan("trust", new LoadModel.Closed(1), Duration.ofSeconds(4),
                        Duration.ofSeconds(1), Duration.ZERO)),
                Slo.NONE, Duration.ofSeconds(20), out.resolve("run"), 1);
        StageStatistics stats = new Campaign(config, new PrintStream(OutputStream.nullOutputStream())).run()
                .stages().getFirst().stats();
        var agreement = stats.agreement();
        assertTrue(agreement.requests() >= 5, "too few requests to compare: " + agreement.requests());
        assertTrue(Math.abs(agreement.ttftOffsetP50Ms()) < 2, "TTFT offset p50 " + agreement.ttftOffsetP50Ms() + " ms");
        assertTrue(Math.abs(agreement.e2eOffsetP50Ms()) < 2, "E2E offset p50 " + agreement.e2eOffsetP50Ms() + " ms");
    }
}
