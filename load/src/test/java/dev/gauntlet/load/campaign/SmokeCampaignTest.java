package dev.gauntlet.load.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.gauntlet.load.target.EmbeddedEngine;
import dev.gauntlet.load.client.ApiKind;
import dev.gauntlet.load.results.CampaignResults;
import dev.gauntlet.load.simulation.LoadModel;
import dev.gauntlet.load.simulation.StagePlan;
import dev.gauntlet.load.stats.Slo;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A smoke campaign against the embedded reference engine, end to end: the engine as a child JVM,
 * one Gatling stage, every results file.
 */
class SmokeCampaignTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path out;
    static CampaignResults results;
    static String progress;

    @BeforeAll
    static void runSmokeCampaign() throws Exception {
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        var config = new CampaignConfig(CampaignConfig.EMBEDDED, null, null, ApiKind.COMPLETIONS,
                new SyntheticWorkload(new LengthDistribution.Uniform(8, 24), new LengthDistribution.Fixed(12), 10, 1000, 3),
                "smoke", StagePlanner.fixed(List.of(new StagePlan("smoke", new LoadModel.Closed(2), Duration.ofSeconds(4),
                        Duration.ofMillis(500), Duration.ofMillis(500)))),
                Slo.parse("ttft_p99=2s,tpot_p99=100ms"), Duration.ofSeconds(20), out.resolve("run"),
                EmbeddedEngine.Options.bundled(1));
        results = new Campaign(config, new PrintStream(lines, true, StandardCharsets.UTF_8)).run();
        progress = lines.toString(StandardCharsets.UTF_8);
    }

    @Test
    void writesEveryResultFile() {
        Path run = out.resolve("run");
        for (String f : List.of("results.json", "requests.jsonl", "summary.txt", "histograms/smoke.hlog")) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f + " is missing");
        }
        assertTrue(Files.isRegularFile(results.stages().getFirst().gatlingReport().resolve("index.html")),
                "Gatling's HTML report is missing");
        assertTrue(progress.contains("stage 1/1 smoke"), progress);
    }

    @Test
    void resultsValidateAgainstTheSchema() throws Exception {
        JsonSchema schema;
        try (InputStream in = getClass().getResourceAsStream("/dev/gauntlet/load/results/results.schema.json")) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
        JsonNode json = JSON.readTree(out.resolve("run/results.json").toFile());
        Set<?> problems = schema.validate(json);
        assertEquals(Set.of(), problems);
    }

    @Test
    void engineInfoComesFromTheMetricsEndpoint() throws Exception {
        JsonNode engine = JSON.readTree(out.resolve("run/results.json").toFile()).get("run").get("target").get("engine");
        JsonNode info = engine.get("metrics_info").get("llm_engine_info").get(0);
        assertEquals("cpu", info.get("backend").asText(), engine.toString());
        // The bundled model, as stored (F16).
        assertEquals("gauntlet-kjv", info.get("model").asText(), engine.toString());
        assertEquals("f16", info.get("quant").asText(), engine.toString());
        assertTrue(engine.get("metrics_error").isNull());
    }

    @Test
    void everyRequestSentIsCounted() throws Exception {
        List<String> lines = Files.readAllLines(out.resolve("run/requests.jsonl"));
        JsonNode json = JSON.readTree(out.resolve("run/results.json").toFile());
        JsonNode stage = json.get("stages").get(0);
        long sent = stage.get("requests").get("sent").asLong();
        assertTrue(sent > 2, "a 4 s stage at concurrency 2 sends more than 2 requests: " + sent);
        assertEquals(sent, lines.size());
        assertEquals(sent, json.get("run").get("load").get("requests_sent").asLong());
        long measured = lines.stream().map(this::read).filter(l -> l.get("measured").asBoolean()).count();
        assertEquals(measured, stage.get("requests").get("measured").asLong());
        assertEquals(measured, stage.get("requests").get("succeeded").asLong(), "the reference engine fails nothing");
        // Sequence numbers are unique: no request counted twice, none lost.
        assertEquals(sent, lines.stream().map(l -> read(l).get("sequence").asLong()).distinct().count());
        long disagreements = 0;
        for (String line : lines) {
            JsonNode r = read(line);
            assertEquals(12, r.get("output_tokens_usage").asInt(), "min_tokens and ignore_eos make the length exact: " + line);
            int client = r.get("output_tokens_client").asInt();
            // A token whose text is held back (an incomplete UTF-8 sequence) arrives in no content chunk of its own.
            assertTrue(client >= 1 && client <= 12, line);
            assertTrue(r.get("server_request_id").isTextual(), line);
            if (r.get("measured").asBoolean() && client != 12) {
                disagreements++;
            }
        }
        assertEquals(disagreements, stage.get("output_tokens").get("usage_client_disagreements").asLong());
    }

    private JsonNode read(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError(line, e);
        }
    }
}
