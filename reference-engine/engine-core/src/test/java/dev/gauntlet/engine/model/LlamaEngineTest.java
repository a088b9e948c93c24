package dev.gauntlet.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.sampling.SamplingParams;
import dev.gauntlet.engine.scheduler.EngineConfig;
import dev.gauntlet.engine.scheduler.EngineHarness;
import dev.gauntlet.engine.scheduler.EngineHarness.Job;
import dev.gauntlet.engine.synth.ModelShape;
import dev.gauntlet.engine.synth.SyntheticModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler over the real Llama forward pass and tokenizer of a synthetic tiny model. */
class LlamaEngineTest {
    @TempDir
    static Path dir;
    static Path file;

    @BeforeAll
    static void writeModel() throws Exception {
        file = dir.resolve("tiny.gguf");
        SyntheticModel.write(ModelShape.TINY, GgmlType.F32, 5, file);
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "Q8_0", "Q4_0"})
    void greedyTokensAreTheSameAloneAndInABatchOf16(GgmlType quant) throws Exception {
        try (LoadedModel m = LoadedModel.load(file, Optional.of(quant))) {
            SplittableRandom r = new SplittableRandom(quant.ordinal());
            List<Job> jobs = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int[] prompt = new int[1 + r.nextInt(48)];
                for (int j = 0; j < prompt.length; j++) {
                    prompt[j] = r.nextInt(m.tokenizer().vocabSize());
                }
                jobs.add(new Job(prompt, SamplingParams.builder().maxTokens(4 + r.nextInt(24)).ignoreEos(true).build()));
            }
            assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
                var run = EngineHarness.assertBatchInvariant(m.model(), m.tokenizer(),
                        () -> m.model().newKvCache(16L << 20, 16), new EngineConfig(16, 96), jobs);
                assertEquals(16, run.completions().size());
                assertTrue(run.largestBatch() >= 8, "largest batch " + run.largestBatch());
            });
        }
    }

}
