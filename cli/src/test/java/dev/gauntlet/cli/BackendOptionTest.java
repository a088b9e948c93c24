package dev.gauntlet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gauntlet.engine.backend.ComputeBackends;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --backend cuda} where no GPU is (CI): every command that runs the engine stops at once
 * with one line saying why, exit code 2, before loading a model or starting a process. Skipped,
 * with the reason, on a machine with a CUDA device, where the commands would run instead.
 */
class BackendOptionTest {
    private static final String NO_GPU = ": --backend cuda: no usable CUDA device: ";

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void noGpuHere() {
        assumeTrue(ComputeBackends.named("cuda").unavailableReason().isPresent(),
                "a CUDA device is present here: --backend cuda runs instead of failing");
        model = dir.resolve("tiny.gguf");
        assertEquals(0, CliTest.run("model", "synth", "--shape", "tiny", "--out", model.toString()).exit());
    }

    @Test
    void generateSaysWhyThereIsNoGpu() {
        assertNoGpu("generate", CliTest.run("generate", "--model", model.toString(), "--prompt", "x", "--backend", "cuda"));
    }

    @Test
    void serveSaysWhyBeforeStartingAServer() {
        assertNoGpu("serve", CliTest.run("serve", "--model", model.toString(), "--port", "0", "--backend", "cuda"));
    }

    @Test
    void anEmbeddedCampaignSaysWhyBeforeStartingTheEngine() {
        assertNoGpu("campaign", CliTest.run("campaign", "--profile", "smoke", "--engine-model", model.toString(),
                "--backend", "cuda", "--out", dir.resolve("campaign").toString()));
    }

    @Test
    void accuracySaysWhyBeforeLoadingACandidate() throws Exception {
        Path text = Files.writeString(dir.resolve("text.txt"), "In the beginning God created the heaven and the earth.");
        assertNoGpu("accuracy", CliTest.run("accuracy", "--model", model.toString(), "--text", text.toString(),
                "--backend", "cuda", "--out", dir.resolve("accuracy").toString()));
    }

    @Test
    void anUnknownBackendIsNamedWithTheChoices() {
        CliTest.Run r = CliTest.run("generate", "--model", model.toString(), "--prompt", "x", "--backend", "tpu");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("gauntlet generate: unknown --backend 'tpu': expected one of cpu, cuda"), r.err());
    }

    private static void assertNoGpu(String command, CliTest.Run r) {
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().startsWith("gauntlet " + command + NO_GPU), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line, no stack trace: " + r.err());
    }
}
