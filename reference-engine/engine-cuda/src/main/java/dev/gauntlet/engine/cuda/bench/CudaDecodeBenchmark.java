package dev.gauntlet.engine.cuda.bench;

import dev.gauntlet.engine.cuda.driver.CudaDevice;
import dev.gauntlet.engine.cuda.driver.KernelLauncher;
import dev.gauntlet.engine.cuda.kernels.KernelLibrary;
import dev.gauntlet.engine.cuda.model.CudaForwardModel;
import dev.gauntlet.engine.cuda.model.DeviceWeights;
import dev.gauntlet.engine.cuda.parallel.TensorParallelPlan;
import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.kv.BlockTable;
import dev.gauntlet.engine.kv.PagedKvCache;
import dev.gauntlet.engine.model.LlamaConfig;
import dev.gauntlet.engine.model.SequenceChunk;
import dev.gauntlet.engine.synth.ModelShape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Greedy decode speed of {@link CudaForwardModel} on synthetic shapes, against the bandwidth
 * roofline measured in the same run: a decode step must read every weight once, so
 * {@code batch × bandwidth / weight bytes per step} tokens/s is the most it can reach. Also the
 * prefill speed of one prompt. Decode is timed with every kernel launched from Java and with
 * the step replayed as a CUDA graph. Weights are drawn on the device ({@link DeviceWeights#random}).
 *
 * <p>With {@code --tp 1,2} each model also runs split over 2 tensor-parallel ranks, rank r on
 * device r (modulo the devices present); the roofline then counts the bandwidth of every GPU used.
 *
 * <p>Usage: {@code CudaDecodeBenchmark [--shapes 1b,8b] [--types f16,q8_0,q4_0]
 * [--batches 1,8,64] [--tp 1,2] [--prompt 32] [--steps 64] [--prefill 512] [--out results.md]}
 */
public final class CudaDecodeBenchmark {
    private static final int BLOCK_SIZE = 16;
    private static final int WARMUP_STEPS = 4;

    private CudaDecodeBenchmark() {
    }

    /** One measured configuration. */
    record Row(Run run, String phase, int batch, double tokensPerSecond, double stepMillis,
               double rooflineTokensPerSecond) {

        Row phase(String name) {
            return new Row(run, name, batch, tokensPerSecond, stepMillis, rooflineTokensPerSecond);
        }

        String markdown() {
            String roof = rooflineTokensPerSecond > 0
                    ? String.format(Locale.ROOT, "%.0f | %.1f%%", rooflineTokensPerSecond, 100 * tokensPerSecond / rooflineTokensPerSecond)
                    : "- | -";
            return String.format(Locale.ROOT, "| %s | %s | %s | %s | %d | %.3f | %.2f | %.1f | %s |", run.shape(),
                    run.type().name().toLowerCase(Locale.ROOT), run.parallel(), phase, batch, run.weightBytes() / 1e9,
                    stepMillis, tokensPerSecond, roof);
        }
    }

    public static void main(String[] args) throws IOException {
        Options o = Options.parse(args);
        List<Row> rows = new ArrayList<>();
        int available = CudaDevice.count();
        Map<Integer, CudaDevice> opened = new TreeMap<>();
        Map<Integer, KernelLibrary> libraries = new HashMap<>();
        try {
            CudaDevice first = opened.computeIfAbsent(0, CudaDevice::open);
            double bandwidth = CopyBandwidth.measure(first, 1L << 30, 21);
            String header = String.format(Locale.ROOT, "device: %s (%d found); device-to-device copy bandwidth %.0f GB/s"
                    + " (read + write, median of 21 copies of 1 GiB, on device 0); programmatic dependent launches: %s",
                    first.name(), available, bandwidth / 1e9,
                    KernelLauncher.dependentLaunches() ? "yes" : "no (driver without cuLaunchKernelEx)");
            System.out.println(header);
            for (String shapeName : o.shapes) {
                ModelShape shape = ModelShape.named(shapeName);
                LlamaConfig config = shape.config();
                for (GgmlType type : o.types) {
                    for (int tp : o.tensorParallel) {
                        // Rank r on device r modulo those present: with fewer devices than ranks,
                        // ranks share one, which measures the parallel code's cost but not its gain.
                        List<CudaDevice> devices = new ArrayList<>();
                        for (int r = 0; r < tp; r++) {
                            devices.add(opened.computeIfAbsent(r % available, CudaDevice::open));
                        }
                        CudaDevice.enablePeerAccess(devices);
                        int gpus = Math.min(tp, available);
                        String parallel = tp + (gpus < tp ? " on " + gpus + " GPU" : "");
                        TensorParallelPlan plan = new TensorParallelPlan(config, tp);
                        List<CudaForwardModel.RankWeights> placed = new ArrayList<>();
                        for (int r = 0; r < tp; r++) {
                            CudaDevice d = devices.get(r);
                            KernelLibrary library = libraries.computeIfAbsent(d.ordinal(), i -> new KernelLibrary(d));
                            placed.add(new CudaForwardModel.RankWeights(d, library,
                                    DeviceWeights.random(d, library, plan, r, type, shape.tiedEmbeddings(), 7)));
                        }
                        try (CudaForwardModel model = new CudaForwardModel(plan, placed)) {
                            Run run = new Run(shape.name(), type, parallel, model.weightBytesPerStep(), bandwidth * gpus);
                            for (int batch : o.batches) {
                                for (boolean graphs : new boolean[] {false, true}) {
                                    model.useGraphs(graphs);
                                    rows.add(decode(model, run, batch, o).phase(graphs ? "decode, graph" : "decode"));
                                    System.out.println(rows.getLast().markdown());
                                }
                            }
                            if (o.prefill > 0) {
                                rows.add(prefill(model, run, o.prefill));
                                System.out.println(rows.getLast().markdown());
                            }
                        }
                    }
                }
            }
            StringBuilder table = new StringBuilder(header).append("\n\n")
                    .append("| shape | type | tp | phase | batch | weights/step (GB) | step (ms) | tokens/s | roofline tokens/s | % of roofline |\n")
                    .append("|---|---|---|---|---|---|---|---|---|---|\n");
            rows.forEach(r -> table.append(r.markdown()).append('\n'));
            System.out.println();
            System.out.print(table);
            if (o.out != null) {
                Files.writeString(o.out, table);
            }
        } finally {
            opened.values().forEach(CudaDevice::close);
        }
    }

    /**
     * One model under test: its shape, type and ranks, the weight bytes a step reads (all ranks'),
     * and the copy bandwidth of the GPUs it runs on together.
     */
    private record Run(String shape, GgmlType type, String parallel, long weightBytes, double bandwidth) {
    }

    /** {@code batch} sequences prefilled with random prompts, then timed greedy decode steps. */
    private static Row decode(CudaForwardModel model, Run run, int batch, Options o) {
        LlamaConfig c = model.config();
        int positions = o.prompt + WARMUP_STEPS + o.steps;
        try (PagedKvCache cache = model.newKvCache(
                PagedKvCache.bytesPerBlock(c.layers(), c.kvDim(), BLOCK_SIZE) * (long) batch * (positions / BLOCK_SIZE + 1),
                BLOCK_SIZE)) {
            SplittableRandom random = new SplittableRandom(batch);
            BlockTable[] tables = new BlockTable[batch];
            List<SequenceChunk> chunks = new ArrayList<>();
            for (int s = 0; s < batch; s++) {
                tables[s] = new BlockTable();
                require(cache.ensureCapacity(tables[s], positions));
                chunks.add(new SequenceChunk(tables[s], random.ints(o.prompt, 0, c.vocab()).toArray(), 0, false));
            }
            int[] next = model.greedy(chunks, cache);
            double[] stepSeconds = new double[o.steps];
            for (int step = 0; step < WARMUP_STEPS + o.steps; step++) {
                chunks.clear();
                for (int s = 0; s < batch; s++) {
                    chunks.add(new SequenceChunk(tables[s], new int[] {next[s]}, o.prompt + step, false));
                }
                long t0 = System.nanoTime();
                next = model.greedy(chunks, cache); // returns once the ids are on the host: the step is done
                if (step >= WARMUP_STEPS) {
                    stepSeconds[step - WARMUP_STEPS] = (System.nanoTime() - t0) / 1e9;
                }
            }
            Arrays.sort(stepSeconds);
            double median = stepSeconds[stepSeconds.length / 2];
            return new Row(run, "decode", batch, batch / median, median * 1e3, batch * run.bandwidth() / run.weightBytes());
        }
    }

    /** One prompt of {@code length} tokens in one step, after one warm-up prefill (the median of 3). */
    private static Row prefill(CudaForwardModel model, Run run, int length) {
        LlamaConfig c = model.config();
        try (PagedKvCache cache = model.newKvCache(
                PagedKvCache.bytesPerBlock(c.layers(), c.kvDim(), BLOCK_SIZE) * (length / BLOCK_SIZE + 1), BLOCK_SIZE)) {
            BlockTable table = new BlockTable();
            require(cache.ensureCapacity(table, length));
            int[] prompt = new SplittableRandom(length).ints(length, 0, c.vocab()).toArray();
            List<SequenceChunk> chunk = List.of(new SequenceChunk(table, prompt, 0, false));
            model.greedy(chunk, cache);
            double[] seconds = new double[3];
            for (int i = 0; i < seconds.length; i++) {
                long t0 = System.nanoTime();
                model.greedy(chunk, cache);
                seconds[i] = (System.nanoTime() - t0) / 1e9;
            }
            Arrays.sort(seconds);
            return new Row(run, "prefill", 1, length / seconds[1], seconds[1] * 1e3, 0);
        }
    }

    private static void require(boolean enoughBlocks) {
        if (!enoughBlocks) {
            throw new IllegalStateException("the benchmark's KV cache is too small");
        }
    }

    /** Command-line options. */
    private record Options(List<String> shapes, List<GgmlType> types, int[] batches, int[] tensorParallel, int prompt,
                           int steps, int prefill, Path out) {

        static Options parse(String[] args) {
            List<String> shapes = List.of("1b", "8b");
            List<GgmlType> types = List.of(GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0);
            int[] batches = {1, 8, 64};
            int[] tensorParallel = {1};
            int prompt = 32;
            int steps = 64;
            int prefill = 512;
            Path out = null;
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + args[i] + " needs a value");
                }
                String v = args[i + 1];
                switch (args[i]) {
                    case "--shapes" -> shapes = List.of(v.split(","));
                    case "--types" -> types = Arrays.stream(v.split(",")).map(GgmlType::parse).toList();
                    case "--batches" -> batches = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
                    case "--tp" -> tensorParallel = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
                    case "--prompt" -> prompt = Integer.parseInt(v);
                    case "--steps" -> steps = Integer.parseInt(v);
                    case "--prefill" -> prefill = Integer.parseInt(v);
                    case "--out" -> out = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (--shapes, --types, --batches, --tp, --prompt, --steps, --prefill, --out)");
                }
            }
            return new Options(shapes, types, batches, tensorParallel, prompt, steps, prefill, out);
        }
    }
}
