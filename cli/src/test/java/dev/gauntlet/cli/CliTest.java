package dev.gauntlet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI end to end, in process: write a synthetic model, generate from it, and reject bad values by name. */
class CliTest {
    @TempDir
    static Path dir;
    static Path model;

    /** Exit code, standard output and standard error of one invocation. */
    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cl = GauntletCommand.commandLine();
        StringWriter usage = new StringWriter();
        cl.setErr(new PrintWriter(usage, true));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int exit = cl.execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), usage + err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
            System.setErr(oldErr);
        }
    }

    @BeforeAll
    static void synth() {
        model = dir.resolve("tiny.gguf");
        Run r = run("model", "synth", "--shape", "tiny", "--out", model.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("656,000 parameters"), r.out());
    }

    @Test
    void promptIdsWithTopLogprobsPrintOneJsonObjectPerToken() throws Exception {
        Run r = run("generate", "--model", model.toString(), "--prompt-ids", "1000,5,77", "--max-tokens", "5",
                "--top-logprobs", "3", "--ignore-eos");
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(5, lines.length, r.out());
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < lines.length; i++) {
            JsonNode n = json.readTree(lines[i]);
            assertEquals(i, n.get("step").asInt());
            JsonNode top = n.get("top");
            assertEquals(3, top.size());
            // Greedy: the chosen token is the most probable one, and probabilities are sorted.
            assertEquals(n.get("token").asInt(), top.get(0).get(0).asInt());
            assertTrue(top.get(0).get(1).asDouble() >= top.get(1).get(1).asDouble());
            assertTrue(top.get(0).get(1).asDouble() <= 1.0);
        }
    }

    @Test
    void textPromptStreamsText() {
        Run r = run("generate", "--model", model.toString(), "--prompt", "In the beginning", "--max-tokens", "8",
                "--quant", "q4_0", "--ignore-eos");
        assertEquals(0, r.exit(), r.err());
        assertTrue(!r.out().isBlank());
    }

    @Test
    void theBundledTrainedModelIsTheDefault() {
        // Genesis 1:1 is in the training text: a trained model completes it, random weights do not.
        Run r = run("generate", "--prompt", "In the beginning God created the heaven and the", "--max-tokens", "3");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith(" earth"), r.out());
        assertTrue(r.err().contains("gauntlet-kjv"), r.err());
    }

    @Test
    void trainedTokenizerEncodesTextThatDecodesBack() throws Exception {
        Path text = dir.resolve("psalm.txt");
        String psalm = "The LORD is my shepherd; I shall not want.\n"
                + "He maketh me to lie down in green pastures: he leadeth me beside the still waters.\n";
        java.nio.file.Files.writeString(text, psalm.repeat(20));
        Path tok = dir.resolve("tok.gguf");
        Run trained = run("model", "tokenizer", "--text", text.toString(), "--vocab", "300", "--out", tok.toString());
        assertEquals(0, trained.exit(), trained.err());
        Path ids = dir.resolve("ids.i32");
        Run encoded = run("model", "tokenize", "--tokenizer", tok.toString(), "--text", text.toString(), "--out", ids.toString());
        assertEquals(0, encoded.exit(), encoded.err());
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(ids)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int[] tokens = new int[b.remaining() / 4];
        b.asIntBuffer().get(tokens);
        assertTrue(encoded.out().contains(String.format(java.util.Locale.ROOT, "%,d tokens", tokens.length)), encoded.out());
        try (dev.gauntlet.engine.gguf.GgufFile f = dev.gauntlet.engine.gguf.GgufFile.open(tok)) {
            dev.gauntlet.engine.tokenizer.Tokenizer t = dev.gauntlet.engine.tokenizer.Tokenizers.fromGguf(f);
            assertEquals(300, t.vocabSize());
            assertEquals(psalm.repeat(20), t.decode(tokens));
            // 39 merges learned from the text: about half as many tokens as bytes (bytes alone would be 1:1).
            assertTrue(tokens.length < psalm.length() * 20 * 0.6, tokens.length + " tokens");
        }

        Run badImport = run("model", "import", "--safetensors", dir.resolve("none.safetensors").toString(),
                "--tokenizer", tok.toString(), "--out", dir.resolve("m.gguf").toString());
        assertEquals(2, badImport.exit());
        assertTrue(badImport.err().contains("none.safetensors"), badImport.err());
    }

    @Test
    void badValuesAreNamed() {
        Run quant = run("generate", "--model", model.toString(), "--prompt", "x", "--quant", "q5_k");
        assertEquals(2, quant.exit());
        assertTrue(quant.err().contains("'q5_k'"), quant.err());

        Run ids = run("generate", "--model", model.toString(), "--prompt-ids", "1,99999");
        assertTrue(ids.exit() != 0);
        assertTrue(ids.err().contains("99999"), ids.err());

        Run shape = run("model", "synth", "--shape", "huge", "--out", dir.resolve("x.gguf").toString());
        assertEquals(2, shape.exit());
        assertTrue(shape.err().contains("'huge'"), shape.err());

        Run missing = run("generate", "--model", dir.resolve("nope.gguf").toString(), "--prompt", "x");
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("nope.gguf"), missing.err());
    }

    @Test
    void campaignValuesAreCheckedByNameBeforeAnythingRuns() {
        String[][] cases = {
                {"--burstiness", "-0.5"}, {"--arrivals", "uniform"}, {"--profile", "stress"},
                {"--profile", "spike", "--rate", "4"}, {"--target", "ftp://host"}, {"--dataset-format", "alpaca", "--dataset", "x.json"},
                {"--shared-prefixes", "-3"}, {"--profile", "capacity", "--slo", ""}};
        String[] named = {"-0.5", "'uniform'", "'stress'", "[4.0]", "'ftp://host'", "'alpaca'", "-3", "--slo"};
        for (int i = 0; i < cases.length; i++) {
            String[] args = new String[cases[i].length + 3];
            args[0] = "campaign";
            args[1] = "--out";
            args[2] = dir.resolve("never").toString();
            System.arraycopy(cases[i], 0, args, 3, cases[i].length);
            Run r = run(args);
            assertEquals(2, r.exit(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().contains(named[i]), String.join(" ", args) + ": " + r.err());
        }
    }

    @Test
    void aSmokeCampaignAgainstTheFakeTargetWritesItsResults() throws Exception {
        Path run = dir.resolve("fake-run");
        Run r = run("campaign", "--target", "fake", "--profile", "smoke", "--out", run.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("fake target ready at http://127.0.0.1:"), r.out());
        JsonNode results = new ObjectMapper().readTree(run.resolve("results.json").toFile());
        assertEquals("fake", results.get("run").get("target").get("model").asText());
        assertTrue(results.get("stages").get(0).get("requests").get("succeeded").asInt() > 0, results.toString());
    }
}
