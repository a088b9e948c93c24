package dev.gauntlet.load.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.gauntlet.load.target.EmbeddedEngine;
import dev.gauntlet.load.client.ApiKind;
import dev.gauntlet.load.results.CampaignResults;
import dev.gauntlet.load.simulation.Spacing;
import dev.gauntlet.load.stats.Slo;
import dev.gauntlet.load.target.FakeOpenAiServer;
import dev.gauntlet.load.workload.LengthDistribution;
import dev.gauntlet.load.workload.SyntheticWorkload;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The open-loop profiles end to end against an in-process {@link FakeOpenAiServer}: a spike with
 * statistics per phase, and capacity searches (one converging, one whose stage is stopped early).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class OpenLoopCampaignTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path out;

    /** Runs {@code profile} against a fake server; returns the console output and leaves the run folder in {@code out/run}. */
    private String run(FakeOpenAiServer.Behaviour behaviour, String profile, List<Double> rates, Spacing spacing,
                       Duration stage, int maxStages, String slo) throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (FakeOpenAiServer fake = FakeOpenAiServer.start(0, behaviour)) {
            ProfileOptions options = new ProfileOptions(List.of(1), rates, spacing, 5, stage, Duration.ofSeconds(1),
                    Duration.ofSeconds(60), Duration.ofSeconds(60), maxStages, Duration.ofSeconds(60), 0.1);
            Slo objective = Slo.parse(slo);
            var config = new CampaignConfig(fake.baseUrl().toString(), null, null, ApiKind.COMPLETIONS,
                    new SyntheticWorkload(new LengthDistribution.Fixed(8), new LengthDistribution.Fixed(8), 10, 1000, 3),
                    profile, Profiles.planner(profile, options, objective), objective, Duration.ofSeconds(10),
                    out.resolve("run"), EmbeddedEngine.Options.bundled(1));
            PrintStream progress = new PrintStream(console, true, StandardCharsets.UTF_8);
            CampaignResults results = new Campaign(config, progress).run();
            progress.print(dev.gauntlet.load.results.ConsoleTable.render(results));
        }
        return console.toString(StandardCharsets.UTF_8);
    }

    private JsonNode results() throws Exception {
        JsonNode json = JSON.readTree(out.resolve("run/results.json").toFile());
        JsonSchema schema;
        try (InputStream in = getClass().getResourceAsStream("/dev/gauntlet/load/results/results.schema.json")) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
        assertEquals(Set.of(), schema.validate(json));
        return json;
    }

    @Test
    void aSpikeHasStatisticsBeforeDuringAndAfterItsPeak() throws Exception {
        String console = run(new FakeOpenAiServer.Behaviour(Duration.ZERO, Duration.ofMillis(1), 0), "spike",
                List.of(5.0, 30.0), new Spacing.Even(), Duration.ofSeconds(2), 1, "ttft_p99=2s");
        JsonNode stage = results().get("stages").get(0);
        JsonNode phases = stage.get("phases");
        assertEquals(3, phases.size());
        // Evenly spaced arrivals: 10 before (2 in the 0.3 s warm-up), 30 in the 1 s peak, 10 after (1 in the 0.2 s cool-down).
        int[] measured = {8, 30, 9};
        double[] offered = {5, 30, 5};
        long sum = 0;
        for (int i = 0; i < 3; i++) {
            assertEquals(List.of("before", "spike", "after").get(i), phases.get(i).get("name").asText());
            assertEquals(measured[i], phases.get(i).get("requests").get("measured").asInt(), phases.get(i).toString());
            // A phase's "sent" counts only the requests sent in it.
            assertEquals(measured[i], phases.get(i).get("requests").get("sent").asInt(), phases.get(i).toString());
            assertEquals(offered[i], phases.get(i).get("offered_rate_per_s").asDouble(), 1e-9);
            sum += phases.get(i).get("requests").get("measured").asLong();
        }
        assertEquals(stage.get("requests").get("measured").asLong(), sum, "phases split the stage's measured requests");
        assertEquals(50, stage.get("requests").get("sent").asInt());
        assertEquals("constant", stage.get("load").get("kind").asText());
        assertEquals(3, stage.get("load").get("segments").size());
        assertTrue(console.contains("phase spike"), console);
        JsonNode info = results().get("run").get("target").get("engine").get("metrics_info");
        assertEquals("16", info.get("vllm:cache_config_info").get(0).get("block_size").asText());
    }

    @Test
    void aCapacitySearchFindsARateBetweenWhatPassesAndWhatCannot() throws Exception {
        // One slot, 10 ms to the first token and 7 × 5 ms more: at most ~22 requests/s.
        String console = run(new FakeOpenAiServer.Behaviour(Duration.ofMillis(10), Duration.ofMillis(5), 1), "capacity",
                List.of(4.0), new Spacing.Poisson(), Duration.ofSeconds(3), 4, "ttft_p99=250ms");
        JsonNode json = results();
        JsonNode capacity = json.get("capacity");
        JsonNode probes = capacity.get("probes");
        assertEquals(json.get("stages").size(), probes.size(), "one probe per stage");
        assertTrue(probes.size() >= 3 && probes.size() <= 4, probes.toString());
        assertEquals(4.0, probes.get(0).get("rate_per_s").asDouble(), 1e-9);
        assertTrue(probes.get(0).get("passed").asBoolean(), "4/s on a 22/s target passes: " + probes);
        double max = capacity.get("max_rate_per_s").asDouble();
        for (JsonNode p : probes) {
            double rate = p.get("rate_per_s").asDouble();
            assertEquals(p.get("failure").isNull(), p.get("passed").asBoolean());
            assertTrue(p.get("passed").asBoolean() ? rate <= max : rate > max, "max " + max + " vs " + p);
            if (rate >= 32) {
                assertFalse(p.get("passed").asBoolean(), "a rate over the target's capacity cannot pass: " + p);
            }
        }
        assertTrue(console.contains("capacity: max rate meeting the SLO"), console);
    }

    @Test
    void anOverSaturatedStageIsStoppedEarlyAndEveryRequestIsCounted() throws Exception {
        // 150 requests/s against ~22/s: requests wait far past 3 × 250 ms within two seconds.
        String console = run(new FakeOpenAiServer.Behaviour(Duration.ofMillis(10), Duration.ofMillis(5), 1), "capacity",
                List.of(150.0), new Spacing.Poisson(), Duration.ofSeconds(6), 1, "ttft_p99=250ms");
        JsonNode json = results();
        JsonNode stage = json.get("stages").get(0);
        assertTrue(stage.get("stopped_early").isTextual(), stage.toString());
        assertTrue(stage.get("stopped_early").asText().contains("without output"), stage.get("stopped_early").asText());
        assertTrue(stage.get("errors").has("cancelled"), "requests running at the stop are cancelled");
        long sent = stage.get("requests").get("sent").asLong();
        assertTrue(sent < 150 * 6 * 0.9, "the stage ended well before its " + 150 * 6 + " arrivals: " + sent);
        assertEquals(sent, Files.readAllLines(out.resolve("run/requests.jsonl")).size());
        JsonNode capacity = json.get("capacity");
        assertTrue(capacity.get("max_rate_per_s").isNull());
        assertFalse(capacity.get("probes").get(0).get("passed").asBoolean());
        assertNotNull(capacity.get("stop_reason").asText());
        assertTrue(console.contains("stopped early"), console);
    }
}
