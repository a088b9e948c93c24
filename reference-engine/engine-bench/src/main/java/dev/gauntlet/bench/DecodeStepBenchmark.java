package dev.gauntlet.bench;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.kv.BlockTable;
import dev.gauntlet.engine.kv.PagedKvCache;
import dev.gauntlet.engine.model.LlamaModel;
import dev.gauntlet.engine.model.LoadedModel;
import dev.gauntlet.engine.model.SequenceChunk;
import dev.gauntlet.engine.synth.ModelShape;
import dev.gauntlet.engine.synth.SyntheticModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One full decode step of a synthetic model: {@code batch} sequences, each with {@code context}
 * cached positions, each decoding one token. {@code bytes} counts the weight bytes a step reads,
 * so bytes/s over the copy bandwidth of {@link MemoryBandwidthBenchmark} is the share of the
 * bandwidth roofline reached; {@code multiplyAdds} counts the matrices' multiply-adds (attention's
 * left out), so over {@link ComputePeakBenchmark}'s rate it is the share of the compute roofline.
 *
 * <p>The model file is written once (F16, seed 42) under {@code gauntlet.bench.models}
 * (default: the system temp folder) and converted to each precision at load.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx8g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class DecodeStepBenchmark {

    @Param({"1b"})
    public String shape;

    @Param({"f32", "f16", "q8_0", "q4_0"})
    public String quant;

    @Param({"1", "8"})
    public int batch;

    /** Positions already in each sequence's KV cache. */
    @Param({"64"})
    public int context;

    private LoadedModel loaded;
    private PagedKvCache cache;
    private List<SequenceChunk> step;
    private long bytesPerStep;
    private long multiplyAddsPerStep;

    @Setup
    public void setUp() throws IOException {
        Path file = modelFile(ModelShape.named(shape));
        loaded = LoadedModel.load(file, Optional.of(GgmlType.parse(quant)));
        LlamaModel model = loaded.model();
        cache = model.newKvCache(PagedKvCache.bytesPerBlock(model.config().layers(), model.config().kvDim(), 16)
                * batch * ((context + 16) / 16 + 1), 16);
        step = new ArrayList<>();
        List<SequenceChunk> prefill = new ArrayList<>();
        for (int s = 0; s < batch; s++) {
            BlockTable table = new BlockTable();
            if (!cache.ensureCapacity(table, context + 1)) {
                throw new IllegalStateException("KV cache too small for the benchmark");
            }
            int[] prompt = new int[context];
            for (int i = 0; i < context; i++) {
                prompt[i] = (s * 7919 + i * 104729) % model.config().vocab();
            }
            prefill.add(new SequenceChunk(table, prompt, 0, false));
            step.add(new SequenceChunk(table, new int[] {s + 1}, context, false));
        }
        model.forward(prefill, cache);
        bytesPerStep = model.weights().bytesPerStep();
        multiplyAddsPerStep = model.weights().multiplyAddsPerToken() * batch;
    }

    @TearDown
    public void tearDown() {
        loaded.close();
    }

    /** One decode step: every sequence of the batch advances by one token (rewriting the same position each time). */
    @Benchmark
    public float[][] decodeStep(WorkDone work) {
        work.bytes += bytesPerStep;
        work.multiplyAdds += multiplyAddsPerStep;
        return loaded.model().forward(step, cache);
    }

    /** The synthetic model file for a shape, written on first use. */
    static synchronized Path modelFile(ModelShape shape) throws IOException {
        Path dir = Path.of(System.getProperty("gauntlet.bench.models", System.getProperty("java.io.tmpdir")), "gauntlet-bench");
        Path file = dir.resolve("synth-" + shape.name() + "-f16-seed42.gguf");
        if (!Files.exists(file)) {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "synth-", ".part");
            SyntheticModel.write(shape, GgmlType.F16, 42, tmp);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return file;
    }
}
