package dev.gauntlet.engine.cuda.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gauntlet.engine.backend.BackendUnavailableException;
import dev.gauntlet.engine.backend.ComputeBackends;
import dev.gauntlet.engine.backend.KvSizing;
import dev.gauntlet.engine.backend.PlacedModel;
import dev.gauntlet.engine.cuda.RequiresCuda;
import dev.gauntlet.engine.cuda.driver.CudaDevice;
import dev.gauntlet.engine.cuda.driver.MemoryInfo;
import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.kv.PagedKvCache;
import dev.gauntlet.engine.model.ForwardModel;
import dev.gauntlet.engine.model.LoadedModel;
import dev.gauntlet.engine.sampling.SamplingParams;
import dev.gauntlet.engine.scheduler.EngineConfig;
import dev.gauntlet.engine.scheduler.FinishEvent;
import dev.gauntlet.engine.scheduler.FinishReason;
import dev.gauntlet.engine.scheduler.GenerationRequest;
import dev.gauntlet.engine.scheduler.InferenceEngine;
import dev.gauntlet.engine.scheduler.RequestRejectedException;
import dev.gauntlet.engine.scheduler.TokenEvent;
import dev.gauntlet.engine.synth.ModelShape;
import dev.gauntlet.engine.synth.SyntheticModel;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --backend cuda} as the server and the CLI use it: found by name, the KV cache sized by a
 * share of device memory, the same greedy tokens as the CPU through the scheduler, requests that
 * cannot fit rejected while the engine goes on, and every byte of device memory given back on close.
 */
@Tag("gpu")
@ExtendWith(RequiresCuda.class)
class CudaBackendTest {
    private static final int BLOCK = 16;
    /** Slack for the driver's own bookkeeping between two readings of free memory. */
    private static final long MEMORY_SLACK = 32L << 20;

    @TempDir
    static Path dir;
    static Path file;

    @BeforeAll
    static void writeModel() throws Exception {
        file = dir.resolve("small-f16.gguf");
        SyntheticModel.write(ModelShape.SMALL, GgmlType.F16, 5, file);
    }

    @Test
    void theServiceLoaderFindsIt() {
        assertInstanceOf(CudaBackend.class, ComputeBackends.available("cuda"));
    }

    /** Split over {@code tp} devices, where that many are present (a 2-GPU machine for tp 2). */
    @ParameterizedTest(name = "tp {0}")
    @ValueSource(ints = {1, 2})
    void servesTheCpusGreedyTokensAndFreesEveryDeviceByteOnClose(int tp) throws Exception {
        int found = CudaDevice.count();
        assumeTrue(found >= tp, () -> skipped("--tp " + tp + " needs " + tp + " CUDA devices, found " + found));
        int[] prompt = IntStream.range(0, 40).map(i -> 7 + 31 * i % 3000).toArray();
        SamplingParams greedy = SamplingParams.builder().maxTokens(24).ignoreEos(true).build();
        try (LoadedModel loaded = LoadedModel.load(file, Optional.empty());
             CudaDevice probe = CudaDevice.open(0)) {
            int[] cpu = generate(loaded.model(), loaded, loaded.model().newKvCache(64L << 20, BLOCK), prompt, greedy);
            MemoryInfo before = probe.memoryInfo();
            double share = Math.min(1.0, (before.usedBytes() + (1L << 30)) / (double) before.totalBytes());
            try (PlacedModel placed = ComputeBackends.available("cuda").place(loaded, tp)) {
                assertEquals("cuda", placed.backend());
                PagedKvCache cache = placed.newKvCache(new KvSizing(1, share), BLOCK, 512);
                MemoryInfo filled = probe.memoryInfo();
                assertTrue(filled.usedBytes() <= share * filled.totalBytes() + MEMORY_SLACK,
                        "used " + filled.usedBytes() + " over the share " + share);
                assertTrue(cache.totalBlocks() > 0);
                assertArrayEquals(cpu, generate(placed.model(), loaded, cache, prompt, greedy));
            }
            long leaked = probe.memoryInfo().usedBytes() - before.usedBytes();
            assertTrue(leaked < MEMORY_SLACK, "device memory not given back: " + leaked + " bytes");
        }
    }

    @Test
    void requestsThatCannotFitAreRejectedAndTheEngineGoesOn() throws Exception {
        SamplingParams eight = SamplingParams.builder().maxTokens(8).ignoreEos(true).build();
        try (LoadedModel loaded = LoadedModel.load(file, Optional.empty());
             PlacedModel placed = ComputeBackends.available("cuda").place(loaded)) {
            ForwardModel model = placed.model();
            var c = model.config();
            // Four blocks: 64 positions.
            try (PagedKvCache small = model.newKvCache(4 * PagedKvCache.bytesPerBlock(c.layers(), c.kvDim(), BLOCK), BLOCK);
                 InferenceEngine engine = new InferenceEngine(model, loaded.tokenizer(), small, new EngineConfig(4, 512))) {
                var tooLong = assertThrows(RequestRejectedException.class, () -> engine.submit(
                        GenerationRequest.of("long", IntStream.range(0, 100).map(i -> 9 + i).toArray(), eight)));
                assertTrue(tooLong.getMessage().contains("the whole cache holds 4 blocks"), tooLong.getMessage());
                var pastContext = assertThrows(RequestRejectedException.class, () -> engine.submit(
                        GenerationRequest.of("ctx", new int[c.contextLength()], eight)));
                assertTrue(pastContext.getMessage().contains("context length"), pastContext.getMessage());
                FinishEvent ok = engine.submit(GenerationRequest.of("ok", new int[] {1, 2, 3}, eight)).completion().join();
                assertEquals(FinishReason.LENGTH, ok.reason(), String.valueOf(ok.message()));
            }
        }
    }

    @Test
    void aSplitTheModelOrTheMachineCannotTakeIsAClearError() throws Exception {
        try (LoadedModel loaded = LoadedModel.load(file, Optional.empty())) {
            var backend = ComputeBackends.available("cuda");
            var heads = assertThrows(IllegalArgumentException.class, () -> backend.place(loaded, 3));
            assertTrue(heads.getMessage().contains("8 attention heads and 4 KV heads do not split evenly over --tp 3"),
                    heads.getMessage());
            int found = CudaDevice.count();
            assumeTrue(found < 4, () -> skipped("this machine has " + found + " CUDA devices, enough for --tp 4"));
            var devices = assertThrows(BackendUnavailableException.class, () -> backend.place(loaded, 4));
            assertEquals("--tp 4 needs 4 CUDA devices, found " + found, devices.getMessage());
        }
    }

    private static String skipped(String why) {
        System.getLogger(CudaBackendTest.class.getName()).log(System.Logger.Level.WARNING, why + ": skipped");
        return why;
    }

    private static int[] generate(ForwardModel model, LoadedModel loaded, PagedKvCache cache, int[] prompt,
                                  SamplingParams params) {
        try (InferenceEngine engine = new InferenceEngine(model, loaded.tokenizer(), cache, new EngineConfig(4, 512))) {
            IntStream.Builder tokens = IntStream.builder();
            for (var events = engine.submit(GenerationRequest.of("g", prompt, params)).stream(); events.hasNext(); ) {
                if (events.next() instanceof TokenEvent t) {
                    tokens.add(t.token());
                }
            }
            return tokens.build().toArray();
        }
    }
}
