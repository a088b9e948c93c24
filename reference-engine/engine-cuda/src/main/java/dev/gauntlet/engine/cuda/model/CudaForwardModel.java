package dev.gauntlet.engine.cuda.model;

import dev.gauntlet.engine.cuda.driver.CudaDevice;
import dev.gauntlet.engine.cuda.kernels.Activations;
import dev.gauntlet.engine.cuda.kernels.DeviceMatrix;
import dev.gauntlet.engine.cuda.kernels.KernelLibrary;
import dev.gauntlet.engine.cuda.kernels.LlamaKernels;
import dev.gauntlet.engine.cuda.kernels.LlamaKernels.AttentionShape;
import dev.gauntlet.engine.cuda.kv.DeviceKvStorage;
import dev.gauntlet.engine.cuda.kv.KvMemoryBudget;
import dev.gauntlet.engine.cuda.kv.ShardedKvStorage;
import dev.gauntlet.engine.cuda.parallel.TensorParallelPlan;
import dev.gauntlet.engine.kv.PagedKvCache;
import dev.gauntlet.engine.model.ForwardModel;
import dev.gauntlet.engine.model.LlamaConfig;
import dev.gauntlet.engine.model.LlamaWeights;
import dev.gauntlet.engine.model.RopeRotations;
import dev.gauntlet.engine.model.SequenceChunk;
import dev.gauntlet.engine.model.StepLayout;
import dev.gauntlet.engine.sampling.TokenDraw;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import jcuda.driver.CUdeviceptr;

/**
 * The Llama forward pass on CUDA devices, step for step the CPU {@link
 * dev.gauntlet.engine.model.LlamaModel}: embedding, then per block RMSNorm → fused QKV product,
 * RoPE and the KV write done in its epilogue → attention over the paged cache → output product
 * added to the residual → RMSNorm → fused gate/up product → SwiGLU → down product added to the
 * residual, then the final norm and output head for the rows the chunks ask for. Matrix inputs
 * are rounded as the CPU rounds them, so both backends multiply the same numbers.
 *
 * <p>With tensor parallelism ({@link TensorParallelPlan}) each rank runs those kernels on its
 * share of the weights, on its own device and stream. After each row-parallel product (the
 * attention output and down projections) the ranks meet at a barrier on the device, and the
 * next RMSNorm adds up their partial sums as it loads its row (the all-reduce); the output head
 * is split over the vocabulary and rank 0 gathers the logits and samples. Every rank sums the
 * partials in the same order, so all keep the same residual stream.
 *
 * <p>Weights are uploaded once; the KV cache ({@link #newKvCache}) lives in device memory; the
 * scheduler drives this model exactly as the CPU one. Only the step's metadata goes to the
 * devices and only logits (or, through {@link #greedy} and {@link #sample}, token ids) come back.
 * A decode step (one token per sequence) is captured per rank as a CUDA graph per batch size on
 * first use and replayed after, so its ~8 kernels per layer cost one launch. Not thread-safe: one
 * engine thread runs the steps, as with the CPU model.
 */
public final class CudaForwardModel implements ForwardModel, AutoCloseable {
    /** Most dynamic shared memory a Hopper block may opt into. */
    private static final int MAX_SHARED_BYTES = 227 * 1024;
    /** Most ranks: parallel.cu's barrier is one warp, a lane per rank. */
    public static final int MAX_RANKS = 32;

    private final TensorParallelPlan plan;
    private final LlamaConfig config;
    private final List<Rank> ranks = new ArrayList<>();
    private final PeerExchange exchange;
    private final RopeRotations rope;
    private final AttentionShape shape;
    private boolean useGraphs = true;

    /** One rank's device, the kernels loaded into its context and its share of the weights. */
    public record RankWeights(CudaDevice device, KernelLibrary library, DeviceWeights weights) {
    }

    /**
     * A model over weights already on the devices, rank r's ({@link TensorParallelPlan#shard})
     * in {@code placed.get(r)}; takes ownership of the weights, also when it throws.
     *
     * @throws IllegalArgumentException when the attention kernel cannot hold this model's heads or
     *     context, or the ranks do not match the plan
     */
    public CudaForwardModel(TensorParallelPlan plan, List<RankWeights> placed) {
        try {
            this.plan = plan;
            this.config = plan.config();
            if (config.headDim() > LlamaKernels.MAX_HEAD_DIM) {
                throw new IllegalArgumentException("head size " + config.headDim() + " exceeds the attention kernel's "
                        + LlamaKernels.MAX_HEAD_DIM);
            }
            if (LlamaKernels.attentionSharedBytes(config.headDim(), config.contextLength()) > MAX_SHARED_BYTES) {
                throw new IllegalArgumentException("context length " + config.contextLength()
                        + " exceeds what the attention kernel holds in shared memory");
            }
            if (placed.size() != plan.ranks() || plan.ranks() > MAX_RANKS) {
                throw new IllegalArgumentException(placed.size() + " ranks' weights for --tp " + plan.ranks()
                        + " (at most " + MAX_RANKS + ")");
            }
            for (int r = 0; r < placed.size(); r++) {
                RankWeights p = placed.get(r);
                ranks.add(new Rank(r, p.device(), p.library(), p.weights(), plan));
            }
            this.exchange = plan.ranks() > 1 ? new PeerExchange(devices()) : null;
        } catch (RuntimeException e) {
            ranks.forEach(Rank::close);
            placed.subList(ranks.size(), placed.size()).forEach(p -> p.weights().close());
            throw e;
        }
        this.rope = new RopeRotations(config);
        this.shape = new AttentionShape(plan.heads(), plan.kvHeads(), config.headDim(), config.ropeDim());
    }

    /**
     * Uploads {@code weights} to {@code device} and loads the kernels.
     *
     * @throws dev.gauntlet.engine.cuda.driver.DeviceMemoryException when the weights do not fit
     */
    public static CudaForwardModel upload(CudaDevice device, LlamaConfig config, LlamaWeights weights) {
        return upload(List.of(device), config, weights);
    }

    /**
     * Splits {@code weights} over {@code devices} (rank r on {@code devices.get(r)}; a device may
     * hold more than one rank), uploads each rank's share and loads the kernels; devices that
     * differ are given access to each other's memory.
     *
     * @throws IllegalArgumentException when the model does not split over that many ranks
     * @throws dev.gauntlet.engine.cuda.driver.CudaException when two devices cannot reach each other's memory
     * @throws dev.gauntlet.engine.cuda.driver.DeviceMemoryException when the weights do not fit
     *     (nothing stays allocated)
     */
    public static CudaForwardModel upload(List<CudaDevice> devices, LlamaConfig config, LlamaWeights weights) {
        TensorParallelPlan plan = new TensorParallelPlan(config, devices.size());
        CudaDevice.enablePeerAccess(devices);
        Map<CudaDevice, KernelLibrary> libraries = new IdentityHashMap<>();
        List<RankWeights> placed = new ArrayList<>();
        try {
            for (int r = 0; r < devices.size(); r++) {
                CudaDevice d = devices.get(r);
                try (Arena arena = Arena.ofConfined()) {
                    placed.add(new RankWeights(d, libraries.computeIfAbsent(d, KernelLibrary::new),
                            DeviceWeights.upload(d, config, plan.shard(weights, r, arena))));
                }
            }
        } catch (RuntimeException e) {
            placed.forEach(p -> p.weights().close());
            throw e;
        }
        return new CudaForwardModel(plan, placed);
    }

    @Override
    public LlamaConfig config() {
        return config;
    }

    /** How the model is split: over one rank, or more. */
    public TensorParallelPlan plan() {
        return plan;
    }

    /** Weight bytes one decode step reads, summed over the ranks. */
    public long weightBytesPerStep() {
        return ranks.stream().mapToLong(r -> r.weights.bytesPerStep()).sum();
    }

    /** Device memory the weights take, summed over the ranks. */
    public long weightDeviceBytes() {
        return ranks.stream().mapToLong(r -> r.weights.deviceBytes()).sum();
    }

    /**
     * A KV cache with as many blocks as fit in {@code budgetBytes} on each rank, in device memory
     * (each rank holding its KV heads' share of every block).
     *
     * @throws dev.gauntlet.engine.cuda.driver.DeviceMemoryException when a device cannot hold that budget
     */
    @Override
    public PagedKvCache newKvCache(long budgetBytes, int blockSize) {
        int blocks = Math.min(PagedKvCache.blocksForBudget(budgetBytes, config.layers(), plan.kvDim(), blockSize),
                PagedKvCache.blocksForBudget(Long.MAX_VALUE, config.layers(), config.kvDim(), blockSize));
        int elements = PagedKvCache.elementsPerLayer(blocks, blockSize, plan.kvDim());
        return new PagedKvCache(config.layers(), config.kvDim(), blockSize, blocks,
                ShardedKvStorage.allocate(devices(), config.layers(), elements));
    }

    /**
     * Each rank's KV budget under {@code gpuMemoryUtilization} (as vLLM's flag) once the step
     * buffers for {@code maxTokensPerStep} tokens are allocated, so that steps up to that size
     * never need memory the cache took. Ranks sharing a device share its budget.
     */
    public long kvCacheBytes(double gpuMemoryUtilization, int maxTokensPerStep) {
        Map<Integer, Integer> ranksOnDevice = new HashMap<>();
        for (Rank r : ranks) {
            r.device.makeCurrent();
            r.buffers.ensure(maxTokensPerStep, maxTokensPerStep,
                    StepMetadata.intsBeforeTables(maxTokensPerStep, maxTokensPerStep, config.ropeDim()));
            ranksOnDevice.merge(r.device.ordinal(), 1, Integer::sum);
        }
        long perRank = Long.MAX_VALUE;
        for (Rank r : ranks) {
            perRank = Math.min(perRank, KvMemoryBudget.bytes(r.device.memoryInfo(), gpuMemoryUtilization)
                    / ranksOnDevice.get(r.device.ordinal()));
        }
        return perRank;
    }

    @Override
    public float[][] forward(List<SequenceChunk> chunks, PagedKvCache cache) {
        StepLayout step = run(chunks, cache);
        float[] logits = new float[step.logitRows() * config.vocab()];
        first().buffers.logits().copyTo(logits);
        return step.splitLogits(logits, config.vocab());
    }

    /**
     * Runs the step like {@link #forward} but picks each logit row's largest logit on the device
     * (greedy decoding): only the token ids cross to the host. Returns one id per logit row, in
     * chunk order.
     */
    public int[] greedy(List<SequenceChunk> chunks, PagedKvCache cache) {
        StepLayout step = run(chunks, cache);
        StepBuffers b = first().buffers;
        first().kernels.argmax(b.logits().pointer(), b.tokensOut().pointer(), step.logitRows(), config.vocab());
        int[] ids = new int[step.logitRows()];
        b.tokensOut().copyTo(ids);
        return ids;
    }

    /**
     * Runs the step and picks each chunk's token on the device: only the draws' parameters go to
     * the device and only the token ids come back. Steps whose chunks ask for every row's logits,
     * or draws of more than {@value LlamaKernels#MAX_TOP_K} candidates, pick on the host.
     */
    @Override
    public int[] sample(List<SequenceChunk> chunks, PagedKvCache cache, List<TokenDraw> draws) {
        int n = chunks.size();
        for (int i = 0; i < n; i++) {
            TokenDraw d = draws.get(i);
            if (chunks.get(i).logitRows() != 1 || (d != null && d.topK() > LlamaKernels.MAX_TOP_K)) {
                return ForwardModel.super.sample(chunks, cache, draws);
            }
        }
        StepLayout step = run(chunks, cache);
        StepBuffers b = first().buffers;
        try (Arena arena = Arena.ofConfined()) {
            // Column by column: the inverse temperatures, the uniform draws, then the candidate counts.
            MemorySegment packed = arena.allocate((long) n * StepBuffers.DRAW_BYTES, Double.BYTES);
            for (int i = 0; i < n; i++) {
                // A chunk that needs no token still gets a row: the cheapest draw, its id unused.
                TokenDraw d = draws.get(i) == null ? TokenDraw.GREEDY : draws.get(i);
                packed.setAtIndex(ValueLayout.JAVA_DOUBLE, i, 1 / d.temperature());
                packed.setAtIndex(ValueLayout.JAVA_DOUBLE, n + i, d.uniform());
                packed.setAtIndex(ValueLayout.JAVA_INT, 4L * n + i, Math.min(d.topK(), config.vocab()));
            }
            b.draws().copyFrom(packed, 0);
        }
        CUdeviceptr params = b.draws().pointer();
        first().kernels.topKSample(b.logits().pointer(), params.withByteOffset(2L * n * Double.BYTES),
                params, params.withByteOffset((long) n * Double.BYTES), b.tokensOut().pointer(), n, config.vocab());
        int[] ids = new int[step.logitRows()];
        b.tokensOut().copyTo(ids);
        for (int i = 0; i < n; i++) {
            if (draws.get(i) == null) {
                ids[i] = -1;
            }
        }
        return ids;
    }

    /** Whether decode steps replay captured CUDA graphs (the default) or launch every kernel. */
    public void useGraphs(boolean enabled) {
        this.useGraphs = enabled;
    }

    /** The step's geometry every queued kernel needs: its metadata, sizes and attended length. */
    private record Step(StepMetadata meta, int tokens, int rows, int maxLen, int blockSize) {
    }

    /** Queues the whole step on every rank; the logits end in rank 0's {@code buffers.logits()}, rank 0 current. */
    private StepLayout run(List<SequenceChunk> chunks, PagedKvCache cache) {
        ShardedKvStorage kv = cache.storage(ShardedKvStorage.class);
        StepLayout layout = new StepLayout(chunks, cache, config);
        StepMetadata meta = StepMetadata.of(layout, rope).forRanks(plan.ranks());
        // Every allocation and copy before any launch: a rank's step waits at its first barrier
        // for the others, and a synchronous copy waits for the streams of its context, which
        // ranks on one device share.
        int generation = 0;
        for (Rank r : ranks) {
            r.device.makeCurrent();
            r.buffers.ensure(layout.tokens(), layout.logitRows(), meta.length());
            r.buffers.meta().copyFrom(meta.packed(), meta.length());
            generation += r.buffers.generation();
        }
        if (exchange != null) {
            exchange.update(ranks.stream().map(r -> r.buffers).toList(), generation);
        }
        if (useGraphs && isDecode(layout)) {
            // A replay attends with room for the whole context: the step's own longest length
            // would be baked into the graph.
            Step step = new Step(meta, layout.tokens(), layout.logitRows(), config.contextLength(), cache.blockSize());
            for (Rank r : ranks) {
                r.device.makeCurrent();
                DeviceKvStorage shard = kv.shard(r.index);
                r.graphs.get(step.tokens(), shard, generation, () -> {
                    queueEmbedding(r, step);
                    for (int l = 0; l < config.layers(); l++) {
                        queueLayer(r, l, step, shard);
                    }
                    queueHead(r, step);
                }).launch();
            }
        } else {
            // Layer by layer across the ranks, so that no rank's launch queue fills up with work
            // waiting at a barrier that another rank's launches, still on the host, must reach.
            Step step = new Step(meta, layout.tokens(), layout.logitRows(), layout.maxPos() + 1, cache.blockSize());
            for (Rank r : ranks) {
                r.device.makeCurrent();
                queueEmbedding(r, step);
            }
            for (int l = 0; l < config.layers(); l++) {
                for (Rank r : ranks) {
                    r.device.makeCurrent();
                    queueLayer(r, l, step, kv.shard(r.index));
                }
            }
            for (Rank r : ranks) {
                r.device.makeCurrent();
                queueHead(r, step);
            }
        }
        first().device.makeCurrent();
        return layout;
    }

    /** One token per chunk and only its logits: the shape every decode step of a batch size shares. */
    private static boolean isDecode(StepLayout step) {
        return step.tokens() == step.chunks().size() && step.logitRows() == step.tokens();
    }

    private void queueEmbedding(Rank r, Step step) {
        CUdeviceptr m = r.buffers.meta().pointer();
        r.kernels.embed(r.weights.embedding(), m.withByteOffset(4L * step.meta().tokenIds()), r.buffers.x(), step.tokens());
    }

    /** Queues block {@code l} of rank {@code r}'s step, whose metadata is already on the device. */
    private void queueLayer(Rank r, int l, Step step, DeviceKvStorage kv) {
        StepBuffers b = r.buffers;
        LlamaKernels k = r.kernels;
        DeviceWeights.Layer layer = r.weights.layer(l);
        CUdeviceptr m = b.meta().pointer();
        StepMetadata meta = step.meta();
        int n = step.tokens();
        if (l == 0 || exchange == null) {
            k.rmsNorm(b.x(), layer.attnNorm(), null, n, config.dim(), config.normEps(), input(b, layer.qkv()));
        } else {  // the previous block's down product, summed over the ranks
            allReduceNorm(r, b.attentionResidual(), exchange.feedForwardPartials(r.index), b.x(), layer.attnNorm(), null,
                    n, input(b, layer.qkv()));
        }
        k.matmulRope(layer.qkv(), input(b, layer.qkv()), b.qkv(), n, m.withByteOffset(4L * meta.rotations()),
                m.withByteOffset(4L * meta.slots()), kv.keys(l), kv.values(l), shape);
        CUdeviceptr positions = m.withByteOffset(4L * meta.positions());
        CUdeviceptr tableStarts = m.withByteOffset(4L * meta.tableStarts());
        CUdeviceptr blocks = m.withByteOffset(4L * meta.blocks());
        if (config.headDim() % 32 == 0) {  // a head is whole Q8_0 blocks: attention rounds its own output
            k.attention(b.qkv(), kv.keys(l), kv.values(l), input(b, layer.wo()), positions, tableStarts, blocks,
                    step.blockSize(), n, step.maxLen(), shape);
        } else {
            k.attention(b.qkv(), kv.keys(l), kv.values(l), b.attention(), positions, tableStarts, blocks,
                    step.blockSize(), n, step.maxLen(), shape);
            k.convert(b.attention(), (long) n * plan.attentionWidth(), input(b, layer.wo()));
        }
        if (exchange == null) {
            k.matmul(layer.wo(), input(b, layer.wo()), b.x(), n, true);
            k.rmsNorm(b.x(), layer.ffnNorm(), null, n, config.dim(), config.normEps(), input(b, layer.gateUp()));
        } else {
            k.matmul(layer.wo(), input(b, layer.wo()), b.attentionPartial(), n, false);
            allReduceNorm(r, b.x(), exchange.attentionPartials(r.index), b.attentionResidual(), layer.ffnNorm(), null, n,
                    input(b, layer.gateUp()));
        }
        k.matmul(layer.gateUp(), input(b, layer.gateUp()), b.gateUp(), n, false);
        k.swiGlu(b.gateUp(), plan.hiddenDim(), n, input(b, layer.down()));
        if (exchange == null) {
            k.matmul(layer.down(), input(b, layer.down()), b.x(), n, true);
        } else {
            k.matmul(layer.down(), input(b, layer.down()), b.feedForwardPartial(), n, false);
        }
    }

    /** Queues the final norm and output head of the step's logit rows; rank 0 gathers the ranks' slices. */
    private void queueHead(Rank r, Step step) {
        StepBuffers b = r.buffers;
        DeviceMatrix output = r.weights.output();
        CUdeviceptr rowMap = b.meta().pointer().withByteOffset(4L * step.meta().logitTokens());
        if (exchange == null) {
            r.kernels.rmsNorm(b.x(), r.weights.outputNorm(), rowMap, step.rows(), config.dim(), config.normEps(),
                    input(b, output));
        } else {
            allReduceNorm(r, b.attentionResidual(), exchange.feedForwardPartials(r.index), b.x(), r.weights.outputNorm(),
                    rowMap, step.rows(), input(b, output));
        }
        r.kernels.matmul(output, input(b, output), b.logitsOut(), step.rows(), false);
        if (exchange != null) {
            r.kernels.barrier(exchange.signals(r.index), r.index, plan.ranks());
            if (r.index == 0) {
                r.kernels.gatherLogits(b.logits().pointer(), exchange.logitSlices(0), step.rows(), config.vocab(),
                        plan.ranks());
            }
        }
    }

    /**
     * Waits for every rank's partial sums of a row-parallel product, then adds them to the
     * residual stream {@code from} inside the RMSNorm that follows, the sum going to {@code to}.
     */
    private void allReduceNorm(Rank r, CUdeviceptr from, CUdeviceptr partials, CUdeviceptr to, CUdeviceptr weight,
                               CUdeviceptr rowMap, int rows, Activations out) {
        r.kernels.barrier(exchange.signals(r.index), r.index, plan.ranks());
        r.kernels.reduceRmsNorm(from, to, partials, plan.ranks(), weight, rowMap, rows, config.dim(), config.normEps(),
                out);
    }

    /** The step's input buffers in the format {@code w} reads. */
    private static Activations input(StepBuffers b, DeviceMatrix w) {
        return b.activations(w.inputFormat());
    }

    private Rank first() {
        return ranks.getFirst();
    }

    private List<CudaDevice> devices() {
        return ranks.stream().map(r -> r.device).toList();
    }

    /** Frees every rank's weights and step buffers (KV caches are freed by closing them). */
    @Override
    public void close() {
        ranks.forEach(Rank::close);
        if (exchange != null) {
            exchange.close();
        }
    }
}
