package dev.gauntlet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.engine.synth.SyntheticModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gauntlet accuracy} in process on a tiny synthetic model: the run folder, the table, gates, bad values. */
class AccuracyCommandTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path text;

    @BeforeAll
    static void files() throws Exception {
        model = dir.resolve("tiny.gguf");
        assertEquals(0, CliTest.run("model", "synth", "--shape", "tiny", "--out", model.toString()).exit());
        text = Files.writeString(dir.resolve("heldout.txt"), SyntheticModel.bundledText());
    }

    private static CliTest.Run accuracy(String... extra) {
        String[] base = {"accuracy", "--model", model.toString(), "--text", text.toString(), "--tokens", "256", "--ctx", "64",
                "--prompts", "2", "--prompt-tokens", "8", "--new-tokens", "4"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliTest.run(args);
    }

    @Test
    void writesAccuracyJsonAndPrintsTheTable() throws Exception {
        Path out = dir.resolve("run");
        CliTest.Run r = accuracy("--quants", "q8_0,q4_0", "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("| q8_0 vs f32 | exact |") && r.out().contains("| q4_0 vs f32 | exact |"), r.out());
        JsonNode json = new ObjectMapper().readTree(out.resolve("accuracy.json").toFile());
        assertEquals("gauntlet.accuracy/v1", json.path("schema").asText());
        assertEquals(2, json.path("pairs").size());
        assertEquals(4 * 31, json.path("text").path("scored_tokens").asInt());
    }

    @Test
    void aCrossedGateExitsOneWithTheReason() throws Exception {
        Path gates = Files.writeString(dir.resolve("gates.json"), """
                {"schema": "gauntlet.accuracy-gates/v1", "gates": {"q4_0": {"kld_mean": {"max": 1e-12}}}}""");
        CliTest.Run r = accuracy("--quants", "q4_0", "--gates", gates.toString(), "--out", dir.resolve("gated").toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("gate q4_0: kld_mean = "), r.err());
    }

    @Test
    void badValuesAreNamed() {
        CliTest.Run quant = accuracy("--quants", "q3_k");
        assertEquals(2, quant.exit());
        assertTrue(quant.err().contains("--quants: unknown tensor type 'q3_k'"), quant.err());
        Path missing = dir.resolve("missing.gguf");
        CliTest.Run noModel = CliTest.run("accuracy", "--model", missing.toString(), "--text", text.toString());
        assertEquals(2, noModel.exit());
        assertTrue(noModel.err().contains(missing.toString()), noModel.err());
        CliTest.Run noText = CliTest.run("accuracy", "--model", model.toString(), "--text", dir.resolve("none.txt").toString());
        assertTrue(noText.err().contains("none.txt") && noText.err().contains("held-out text"), noText.err());
        CliTest.Run url = accuracy("--reference", "localhost:8000", "--candidate", "http://127.0.0.1:1");
        assertEquals(2, url.exit());
        assertTrue(url.err().contains("--reference must be an http(s) URL, got 'localhost:8000'"), url.err());
        CliTest.Run alone = accuracy("--candidate", "http://127.0.0.1:1");
        assertTrue(alone.err().contains("--reference and --candidate go together"), alone.err());
    }
}
