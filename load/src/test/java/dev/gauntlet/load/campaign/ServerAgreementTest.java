package dev.gauntlet.load.campaign;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.synth.ModelShape;
import dev.gauntlet.engine.synth.SyntheticModel;
import dev.gauntlet.load.client.ApiKind;
import dev.gauntlet.load.simulation.LoadModel;
import dev.gauntlet.load.simulation.StagePlan;
import dev.gauntlet.load.stats.Slo;
import dev.gauntlet.load.stats.StageStatistics;
import dev.gauntlet.load.target.EmbeddedEngine;
import dev.gauntlet.load.workload.LengthDistribution;
import dev.gauntlet.load.workload.SyntheticWorkload;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trust: against the reference engine on loopback, the client's TTFT and E2E, measured from its
 * actual send, agree within 2 ms at p50 with the server's HTTP-level timings (from the request
 * reaching its filter chain to the first content chunk, and to {@code [DONE]}, flushed to the
 * socket), once the transport is accounted for. What separates the two clocks is one request and
 * one reply crossing loopback and the server's HTTP stack outside its filter chain, so the same
 * run measures that peer on the same server: the p50 round trip of {@code GET /health} with the
 * same HTTP client. On our 2-core VMs that round trip alone is 1.5–2 ms (thread wake-ups, not the
 * code: Python's http.server with curl shows 3–5 ms), so comparing the raw offsets with 2 ms would
 * test the machine, not the measurement.
 * One user, so that what is compared is the measurement, not the injector's own queueing.
 */
class ServerAgreementTest {

    @Test
    void clientTimingsAgreeWithTheServerWithin2msAtTheMedian(@TempDir Path out) throws Exception {
        // The tiny synthetic model keeps steps short, so the comparison is about timing, not compute.
        Path model = out.resolve("tiny.gguf");
        SyntheticModel.write(ModelShape.TINY, GgmlType.F32, 1, model);
        try (EmbeddedEngine engine = EmbeddedEngine.start(EmbeddedEngine.locateServerJar(),
                new EmbeddedEngine.Options(model, null, null, 1, 1), out.resolve("engine"))) {
            var config = new CampaignConfig(engine.baseUrl().toString(), null, null, ApiKind.COMPLETIONS,
                    new SyntheticWorkload(new LengthDistribution.Fixed(16), new LengthDistribution.Fixed(16), 10, 1000, 5),
                    "trust", StagePlanner.fixed(List.of(new StagePlan("trust", new LoadModel.Closed(1), Duration.ofSeconds(4),
                            Duration.ofSeconds(1), Duration.ZERO))),
                    Slo.NONE, Duration.ofSeconds(20), out.resolve("run"), EmbeddedEngine.Options.bundled(1));
            StageStatistics stats = new Campaign(config, new PrintStream(OutputStream.nullOutputStream())).run()
                    .stages().getFirst().stats();
            double baseline = roundTripP50Ms(engine.baseUrl().resolve("/health"));
            var agreement = stats.agreement();
            assertTrue(agreement.requests() >= 5, "too few requests to compare: " + agreement.requests());
            String offsets = String.format(Locale.ROOT,
                    "client - server p50 over %d requests: TTFT %.3f ms, E2E %.3f ms; GET /health round trip p50 %.3f ms",
                    agreement.requests(), agreement.ttftOffsetP50Ms(), agreement.e2eOffsetP50Ms(), baseline);
            System.out.println(offsets);
            assertAll(() -> assertTrue(Math.abs(agreement.ttftOffsetP50Ms() - baseline) < 2, offsets),
                    () -> assertTrue(Math.abs(agreement.e2eOffsetP50Ms() - baseline) < 2, offsets));
        }
    }

    /** p50 of 200 round trips of {@code url} with an HTTP/1.1 client like the campaign's, after 20 to warm up. */
    private static double roundTripP50Ms(URI url) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpRequest request = HttpRequest.newBuilder(url).GET().build();
            double[] ms = new double[200];
            for (int i = -20; i < ms.length; i++) {
                long start = System.nanoTime();
                client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (i >= 0) {
                    ms[i] = (System.nanoTime() - start) / 1e6;
                }
            }
            Arrays.sort(ms);
            return ms[ms.length / 2];
        }
    }
}
