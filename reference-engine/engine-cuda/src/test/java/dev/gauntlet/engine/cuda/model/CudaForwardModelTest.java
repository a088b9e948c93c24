package dev.gauntlet.engine.cuda.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gauntlet.engine.cuda.RequiresCuda;
import dev.gauntlet.engine.cuda.driver.CudaDevice;
import dev.gauntlet.engine.cuda.driver.DeviceBuffer;
import dev.gauntlet.engine.cuda.driver.DeviceMemoryException;
import dev.gauntlet.engine.cuda.kernels.LlamaKernels;
import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.kv.BlockTable;
import dev.gauntlet.engine.kv.PagedKvCache;
import dev.gauntlet.engine.model.ForwardModel;
import dev.gauntlet.engine.model.LlamaModel;
import dev.gauntlet.engine.model.LoadedModel;
import dev.gauntlet.engine.model.SequenceChunk;
import dev.gauntlet.engine.sampling.Sampler;
import dev.gauntlet.engine.sampling.SamplingParams;
import dev.gauntlet.engine.sampling.TokenDraw;
import dev.gauntlet.engine.scheduler.EngineConfig;
import dev.gauntlet.engine.scheduler.GenerationRequest;
import dev.gauntlet.engine.scheduler.InferenceEngine;
import dev.gauntlet.engine.scheduler.RequestHandle;
import dev.gauntlet.engine.scheduler.TokenEvent;
import dev.gauntlet.engine.synth.ModelShape;
import dev.gauntlet.engine.synth.SyntheticModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CUDA model against the CPU model on the same synthetic weights and precision, step by step
 * (a mixed prefill step, then batched decode steps) and through the scheduler; whole, and split
 * over two tensor-parallel ranks. Both ranks share device 0, so that one GPU runs every kernel,
 * barrier and all-reduce of the split model (only the peer-to-peer link is not crossed).
 *
 * <p>F16: logits within 1e-3 relative error and every greedy token equal. Q8_0 and Q4_0 round
 * every matrix input to 8 bits (1/127 of its block's largest value), as the CPU does; a float sum
 * that differs in its last bit (GPU and CPU add in different orders) can land a value on the
 * other side of a rounding step, and such whole-step flips compound through the layers. Each
 * kernel matches the CPU within 1e-5 ({@code MatmulKernelTest}); end to end the quantized
 * logits differ by about 1e-2, so these use a 5e-2 bound and at least 90% equal greedy tokens.
 */
@Tag("gpu")
@ExtendWith(RequiresCuda.class)
@ParameterizedClass(name = "tp {0}")
@ValueSource(ints = {1, 2})
class CudaForwardModelTest {
    private static final double F16_MAX_RELATIVE_ERROR = 1e-3;
    private static final double QUANTIZED_MAX_RELATIVE_ERROR = 5e-2;
    private static final double QUANTIZED_MIN_TOKEN_AGREEMENT = 0.9;
    private static final long KV_BYTES = 64L << 20;

    @TempDir
    static Path dir;
    static Path file;
    static CudaDevice device;

    @Parameter
    int ranks;

    @BeforeAll
    static void setUp() throws Exception {
        file = dir.resolve("small.gguf");
        SyntheticModel.write(ModelShape.SMALL, GgmlType.F32, 11, file);
        device = CudaDevice.open(0);
    }

    @AfterAll
    static void tearDown() {
        if (device != null) {
            device.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F16", "Q8_0", "Q4_0"})
    void logitsAndGreedyTokensMatchTheCpuModel(GgmlType quant) throws Exception {
        try (LoadedModel loaded = LoadedModel.load(file, Optional.of(quant));
             CudaForwardModel gpu = upload(loaded.model(), ranks)) {
            assertAgree(quant, "the CPU", loaded.model(), gpu);
        }
    }

    /** TP=2 against TP=1, both on the GPU: only the order of the row-parallel sums differs. */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F16", "Q8_0", "Q4_0"})
    void splitLogitsAndGreedyTokensMatchTheWholeModelOnTheGpu(GgmlType quant) throws Exception {
        assumeTrue(ranks > 1, "a split model only");
        try (LoadedModel loaded = LoadedModel.load(file, Optional.of(quant));
             CudaForwardModel whole = upload(loaded.model(), 1);
             CudaForwardModel split = upload(loaded.model(), ranks)) {
            assertAgree(quant, "tp 1", whole, split);
        }
    }

    /**
     * Runs a mixed prefill step (one chunk asking for every row's logits), then 15 decode steps of
     * all four sequences together, each fed {@code expected}'s token, on both models, and checks
     * their logits and {@code actual}'s device argmax.
     */
    private void assertAgree(GgmlType quant, String reference, ForwardModel expected, CudaForwardModel actual) {
        try (PagedKvCache expectedCache = expected.newKvCache(KV_BYTES, 16);
             PagedKvCache actualCache = actual.newKvCache(KV_BYTES, 16)) {
            SplittableRandom random = new SplittableRandom(quant.ordinal());
            int vocab = expected.config().vocab();
            int[] lengths = {1, 7, 33, 70};
            BlockTable[] actualTables = new BlockTable[lengths.length];
            BlockTable[] expectedTables = new BlockTable[lengths.length];
            List<SequenceChunk> actualStep = new ArrayList<>();
            List<SequenceChunk> expectedStep = new ArrayList<>();
            for (int s = 0; s < lengths.length; s++) {
                int[] prompt = random.ints(lengths[s], 0, vocab).toArray();
                actualTables[s] = new BlockTable();
                expectedTables[s] = new BlockTable();
                assertTrue(actualCache.ensureCapacity(actualTables[s], lengths[s] + 16));
                assertTrue(expectedCache.ensureCapacity(expectedTables[s], lengths[s] + 16));
                boolean all = s == 2; // one prefill asks for every row's logits (prompt logprobs)
                actualStep.add(new SequenceChunk(actualTables[s], prompt, 0, all));
                expectedStep.add(new SequenceChunk(expectedTables[s], prompt, 0, all));
            }
            double worst = 0;
            int rowsCompared = 0;
            int rowsAgreeing = 0;
            for (int step = 0; step < 16; step++) {
                float[][] want = expected.forward(expectedStep, expectedCache);
                float[][] got = actual.forward(actualStep, actualCache);
                int[] greedy = actual.greedy(actualStep, actualCache); // the same step again: same cache writes, ids only
                int[] next = new int[lengths.length];
                int row = 0;
                for (int s = 0; s < lengths.length; s++) {
                    assertEquals(want[s].length, got[s].length);
                    worst = Math.max(worst, relativeError(got[s], want[s]));
                    int rows = want[s].length / vocab;
                    for (int r = 0; r < rows; r++, row++) {
                        int token = Sampler.argmax(got[s], r * vocab, vocab);
                        assertEquals(token, greedy[row], "device argmax of step " + step + " row " + row);
                        rowsCompared++;
                        rowsAgreeing += token == Sampler.argmax(want[s], r * vocab, vocab) ? 1 : 0;
                    }
                    next[s] = Sampler.argmax(want[s], (rows - 1) * vocab, vocab);
                }
                for (int s = 0; s < lengths.length; s++) {
                    int pos = actualStep.get(s).startPos() + actualStep.get(s).tokens().length;
                    actualStep.set(s, new SequenceChunk(actualTables[s], new int[] {next[s]}, pos, false));
                    expectedStep.set(s, new SequenceChunk(expectedTables[s], new int[] {next[s]}, pos, false));
                }
            }
            double agreement = (double) rowsAgreeing / rowsCompared;
            System.out.printf("tp %d against %s, %s: largest logits relative error %.2e, greedy tokens equal %d/%d%n",
                    actual.plan().ranks(), reference, quant, worst, rowsAgreeing, rowsCompared);
            if (quant == GgmlType.F16) {
                assertTrue(worst < F16_MAX_RELATIVE_ERROR, "relative error " + worst);
                assertEquals(rowsCompared, rowsAgreeing, "greedy tokens that differ from " + reference + "'s");
            } else {
                assertTrue(worst < QUANTIZED_MAX_RELATIVE_ERROR, "relative error " + worst);
                assertTrue(agreement >= QUANTIZED_MIN_TOKEN_AGREEMENT, "greedy tokens equal: " + agreement);
            }
        }
    }

    @Test
    void graphReplaysGiveTheSameLogitsAsLaunchedKernels() throws Exception {
        try (LoadedModel loaded = LoadedModel.load(file, Optional.of(GgmlType.Q4_0));
             CudaForwardModel gpu = upload(loaded.model());
             PagedKvCache launched = gpu.newKvCache(KV_BYTES, 16);
             PagedKvCache replayed = gpu.newKvCache(KV_BYTES, 16)) {
            int[] prompt = new SplittableRandom(5).ints(20, 0, loaded.model().config().vocab()).toArray();
            BlockTable a = new BlockTable();
            BlockTable b = new BlockTable();
            assertTrue(launched.ensureCapacity(a, 40));
            assertTrue(replayed.ensureCapacity(b, 40));
            gpu.useGraphs(false);
            int next = gpu.greedy(List.of(new SequenceChunk(a, prompt, 0, false)), launched)[0];
            gpu.greedy(List.of(new SequenceChunk(b, prompt, 0, false)), replayed);
            for (int pos = prompt.length; pos < prompt.length + 12; pos++) {
                gpu.useGraphs(false);
                float[] expected = gpu.forward(List.of(new SequenceChunk(a, new int[] {next}, pos, false)), launched)[0];
                gpu.useGraphs(true);
                float[] actual = gpu.forward(List.of(new SequenceChunk(b, new int[] {next}, pos, false)), replayed)[0];
                assertArrayEquals(expected, actual, "position " + pos);
                next = Sampler.argmax(expected, 0, expected.length);
            }
        }
    }

    @Test
    void theSchedulerGivesTheCpuModelsTokens() throws Exception {
        try (LoadedModel loaded = LoadedModel.load(file, Optional.of(GgmlType.F16));
             CudaForwardModel gpu = upload(loaded.model())) {
            SplittableRandom random = new SplittableRandom(3);
            List<int[]> prompts = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                prompts.add(random.ints(1 + random.nextInt(60), 0, loaded.model().config().vocab()).toArray());
            }
            // Greedy without logprobs: the engine takes only token ids, through CudaForwardModel.sample.
            // A small step budget, so that prefills are chunked and mixed with decodes.
            EngineConfig config = new EngineConfig(8, 48);
            List<int[]> expected = generate(loaded.model(), loaded, loaded.model().newKvCache(KV_BYTES, 16), config, prompts);
            try (PagedKvCache cache = gpu.newKvCache(KV_BYTES, 16)) {
                List<int[]> actual = generate(gpu, loaded, cache, config, prompts);
                for (int i = 0; i < prompts.size(); i++) {
                    assertArrayEquals(expected.get(i), actual.get(i), "request " + i);
                }
                assertEquals(0, cache.usedBlocks(), "KV blocks leaked");
            }
        }
    }

    @Test
    void deviceTokenDrawsPickAsTheHostOnTheSameLogits() throws Exception {
        try (LoadedModel loaded = LoadedModel.load(file, Optional.of(GgmlType.F16));
             CudaForwardModel gpu = upload(loaded.model());
             PagedKvCache cache = gpu.newKvCache(KV_BYTES, 16)) {
            int vocab = gpu.config().vocab();
            SplittableRandom random = new SplittableRandom(5);
            List<SequenceChunk> step = new ArrayList<>();
            for (int length : new int[] {1, 9, 40, 3, 17}) {
                BlockTable t = new BlockTable();
                assertTrue(cache.ensureCapacity(t, length));
                step.add(new SequenceChunk(t, random.ints(length, 0, vocab).toArray(), 0, false));
            }
            float[][] logits = gpu.forward(step, cache);
            double[] temperatures = {0.3, 1, 1.7};
            for (int trial = 0; trial < 40; trial++) {
                List<TokenDraw> draws = new ArrayList<>();
                for (int i = 0; i < step.size(); i++) {
                    int k = 1 + random.nextInt(LlamaKernels.MAX_TOP_K);
                    draws.add(i == trial % step.size() ? null  // a chunk that needs no token
                            : i == 0 ? TokenDraw.GREEDY
                            : new TokenDraw(k, temperatures[random.nextInt(3)], random.nextDouble()));
                }
                int[] ids = gpu.sample(step, cache, draws); // the same step again: same cache writes, ids only
                for (int i = 0; i < step.size(); i++) {
                    int expected = draws.get(i) == null ? -1 : draws.get(i).pick(logits[i], 0, vocab);
                    assertEquals(expected, ids[i], "trial " + trial + ", chunk " + i + ": " + draws.get(i));
                }
            }
        }
    }

    @Test
    void aKvBudgetBeyondTheDeviceIsAClearErrorAndTheModelStillRuns() throws Exception {
        try (LoadedModel loaded = LoadedModel.load(file, Optional.of(GgmlType.Q4_0));
             CudaForwardModel gpu = upload(loaded.model())) {
            long total = device.memoryInfo().totalBytes();
            assertThrows(DeviceMemoryException.class, () -> device.allocate(2 * total, "twice the device"));
            // Leave 1 GiB free, then ask the cache for 4 GiB.
            try (DeviceBuffer hog = device.allocate(device.memoryInfo().freeBytes() - (1L << 30), "a test's filler")) {
                DeviceMemoryException e = assertThrows(DeviceMemoryException.class, () -> gpu.newKvCache(4L << 30, 16));
                assertTrue(e.getMessage().contains("KV cache"), e.getMessage());
            }

            long budget = gpu.kvCacheBytes(0.9, 256);
            assertTrue(budget > 0, "budget " + budget);
            try (PagedKvCache cache = gpu.newKvCache(Math.min(budget, KV_BYTES), 16)) {
                BlockTable t = new BlockTable();
                assertTrue(cache.ensureCapacity(t, 3));
                int[] ids = gpu.greedy(List.of(new SequenceChunk(t, new int[] {1, 2, 3}, 0, false)), cache);
                assertEquals(1, ids.length);
            }
        }
    }

    @Test
    void aCacheOfTheCpuModelIsRefused() throws Exception {
        try (LoadedModel loaded = LoadedModel.load(file, Optional.of(GgmlType.F16));
             CudaForwardModel gpu = upload(loaded.model())) {
            PagedKvCache cpuCache = loaded.model().newKvCache(KV_BYTES, 16);
            BlockTable t = new BlockTable();
            cpuCache.ensureCapacity(t, 1);
            var e = assertThrows(IllegalArgumentException.class,
                    () -> gpu.forward(List.of(new SequenceChunk(t, new int[] {1}, 0, false)), cpuCache));
            assertTrue(e.getMessage().contains("HostKvStorage"), e.getMessage());
        }
    }

    private CudaForwardModel upload(LlamaModel cpu) {
        return upload(cpu, ranks);
    }

    private static CudaForwardModel upload(LlamaModel cpu, int ranks) {
        return CudaForwardModel.upload(Collections.nCopies(ranks, device), cpu.config(), cpu.weights());
    }

    /** Greedy completions of every prompt, all submitted at once to one engine. */
    private static List<int[]> generate(ForwardModel model, LoadedModel loaded, PagedKvCache cache, EngineConfig config,
                                        List<int[]> prompts) {
        List<RequestHandle> handles = new ArrayList<>();
        try (InferenceEngine engine = new InferenceEngine(model, loaded.tokenizer(), cache, config)) {
            for (int i = 0; i < prompts.size(); i++) {
                handles.add(engine.submit(GenerationRequest.of("r" + i, prompts.get(i),
                        SamplingParams.builder().maxTokens(12).ignoreEos(true).build())));
            }
            List<int[]> out = new ArrayList<>();
            for (RequestHandle h : handles) {
                List<Integer> ids = new ArrayList<>();
                h.stream().forEachRemaining(e -> {
                    if (e instanceof TokenEvent t) {
                        ids.add(t.token());
                    }
                });
                out.add(ids.stream().mapToInt(Integer::intValue).toArray());
            }
            return out;
        }
    }

    private static double relativeError(float[] actual, float[] expected) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = actual[i] - expected[i];
            diff += d * d;
            norm += (double) expected[i] * expected[i];
        }
        return Math.sqrt(diff / norm);
    }
}
