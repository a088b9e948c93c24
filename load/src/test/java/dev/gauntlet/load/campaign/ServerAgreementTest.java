package dev.gauntlet.load.campaign;

import static org.junit.jupiter.api.Assertions.assertAll;
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
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trust: against the reference engine on loopback, the client's TTFT and E2E, measured from its
 * actual send, agree within 2 ms at p50 with the server's HTTP-level timings (from the request
 * reaching its filter chain to the first content chunk, and to {@code [DONE]}, flushed to the
 * socket): what remains is the request's and the reply's transfer and parsing on loopback.
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
        String offsets = String.format(Locale.ROOT, "client - server p50 over %d requests: TTFT %.3f ms, E2E %.3f ms",
                agreement.requests(), agreement.ttftOffsetP50Ms(), agreement.e2eOffsetP50Ms());
        System.out.println(offsets);
        assertAll(() -> assertTrue(Math.abs(agreement.ttftOffsetP50Ms()) < 2, offsets),
                () -> assertTrue(Math.abs(agreement.e2eOffsetP50Ms()) < 2, offsets));
    }
}
