package dev.gauntlet.engine.cuda.model;

import dev.gauntlet.engine.cuda.driver.CudaDevice;
import dev.gauntlet.engine.cuda.driver.CudaStream;
import dev.gauntlet.engine.cuda.kernels.Activations;
import dev.gauntlet.engine.cuda.kernels.DeviceMatrix;
import dev.gauntlet.engine.cuda.kernels.KernelLibrary;
import dev.gauntlet.engine.cuda.kernels.LlamaKernels;
import dev.gauntlet.engine.cuda.kernels.LlamaKernels.AttentionShape;
import dev.gauntlet.engine.cuda.kv.DeviceKvStorage;
import dev.gauntlet.engine.cuda.kv.KvMemoryBudget;
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
import java.util.List;
import jcuda.driver.CUdeviceptr;

/**
 * The Llama forward pass on one CUDA device, step for step the CPU {@link
 * dev.gauntlet.engine.model.LlamaModel}: embedding, then per block RMSNorm → fused QKV product,
 * RoPE and the KV write done in its epilogue → attention over the paged cache → output product
 * added to the residual → RMSNorm → fused gate/up product → SwiGLU → down product added to the
 * residual, then the final norm and output head for the rows the chunks ask for. Matrix inputs are rounded as the CPU
 * rounds them, so both backends multiply the same numbers.
 *
 * <p>Weights are uploaded once; the KV cache ({@link #newKvCache}) lives in device memory; the
 * scheduler drives this model exactly as the CPU one. Only the step's metadata goes to the
 * device and only logits (or, through {@link #greedy} and {@link #sample}, token ids) come back. A decode step (one
 * token per sequence) is captured as a CUDA graph per batch size on first use and replayed
 * after, so its ~8 kernels per layer cost one launch. Not thread-safe: one engine thread runs
 * the steps, as with the CPU model.
 */
public final class CudaForwardModel implements ForwardModel, AutoCloseable {
    /** Most dynamic shared memory a Hopper block may opt into. */
    private static final int MAX_SHARED_BYTES = 227 * 1024;

    private final CudaDevice device;
    private final LlamaConfig config;
    private final DeviceWeights weights;
    private final LlamaKernels kernels;
    private final StepBuffers buffers;
    private final RopeRotations rope;
    private final AttentionShape shape;
    private final CudaStream stream;
    private final DecodeGraphs graphs;
    private boolean useGraphs = true;

    /**
     * A model over weights already on {@code device}; takes ownership of them.
     *
     * @throws IllegalArgumentException when the attention kernel cannot hold this model's heads or context
     */
    public CudaForwardModel(CudaDevice device, KernelLibrary library, LlamaConfig config, DeviceWeights weights) {
        if (config.headDim() > LlamaKernels.MAX_HEAD_DIM) {
            throw new IllegalArgumentException("head size " + config.headDim() + " exceeds the attention kernel's "
                    + LlamaKernels.MAX_HEAD_DIM);
        }
        if (LlamaKernels.attentionSharedBytes(config.headDim(), config.contextLength()) > MAX_SHARED_BYTES) {
            throw new IllegalArgumentException("context length " + config.contextLength()
                    + " exceeds what the attention kernel holds in shared memory");
        }
        this.device = device;
        this.config = config;
        this.weights = weights;
        this.stream = new CudaStream(device);
        this.graphs = new DecodeGraphs(stream);
        this.kernels = new LlamaKernels(library, stream);
        kernels.prepareAttention(config.headDim(), config.contextLength());
        this.buffers = new StepBuffers(device, config);
        this.rope = new RopeRotations(config);
        this.shape = new AttentionShape(config.heads(), config.kvHeads(), config.headDim(), config.ropeDim());
    }

    /**
     * Uploads {@code weights} to {@code device} and loads the kernels.
     *
     * @throws dev.gauntlet.engine.cuda.driver.DeviceMemoryException when the weights do not fit
     */
    public static CudaForwardModel upload(CudaDevice device, LlamaConfig config, LlamaWeights weights) {
        KernelLibrary library = new KernelLibrary(device);
        return new CudaForwardModel(device, library, config, DeviceWeights.upload(device, config, weights));
    }

    @Override
    public LlamaConfig config() {
        return config;
    }

    /** The weights on the device. */
    public DeviceWeights weights() {
        return weights;
    }

    /**
     * A KV cache in device memory with as many blocks as fit in {@code budgetBytes}.
     *
     * @throws dev.gauntlet.engine.cuda.driver.DeviceMemoryException when the device cannot hold that budget
     */
    @Override
    public PagedKvCache newKvCache(long budgetBytes, int blockSize) {
        int blocks = PagedKvCache.blocksForBudget(budgetBytes, config.layers(), config.kvDim(), blockSize);
        int elements = PagedKvCache.elementsPerLayer(blocks, blockSize, config.kvDim());
        return new PagedKvCache(config.layers(), config.kvDim(), blockSize, blocks,
                new DeviceKvStorage(device, config.layers(), elements));
    }

    /**
     * The KV budget under {@code gpuMemoryUtilization} (as vLLM's flag) once the step buffers for
     * {@code maxTokensPerStep} tokens are allocated, so that steps up to that size never need
     * memory the cache took.
     */
    public long kvCacheBytes(double gpuMemoryUtilization, int maxTokensPerStep) {
        device.makeCurrent();
        buffers.ensure(maxTokensPerStep, maxTokensPerStep,
                StepMetadata.intsBeforeTables(maxTokensPerStep, maxTokensPerStep, config.ropeDim()));
        return KvMemoryBudget.bytes(device.memoryInfo(), gpuMemoryUtilization);
    }

    @Override
    public float[][] forward(List<SequenceChunk> chunks, PagedKvCache cache) {
        StepLayout step = run(chunks, cache);
        float[] logits = new float[step.logitRows() * config.vocab()];
        buffers.logits().copyTo(logits);
        return step.splitLogits(logits, config.vocab());
    }

    /**
     * Runs the step like {@link #forward} but picks each logit row's largest logit on the device
     * (greedy decoding): only the token ids cross to the host. Returns one id per logit row, in
     * chunk order.
     */
    public int[] greedy(List<SequenceChunk> chunks, PagedKvCache cache) {
        StepLayout step = run(chunks, cache);
        kernels.argmax(buffers.logits().pointer(), buffers.tokensOut().pointer(), step.logitRows(), config.vocab());
        int[] ids = new int[step.logitRows()];
        buffers.tokensOut().copyTo(ids);
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
            buffers.draws().copyFrom(packed, 0);
        }
        CUdeviceptr params = buffers.draws().pointer();
        kernels.topKSample(buffers.logits().pointer(), params.withByteOffset(2L * n * Double.BYTES),
                params, params.withByteOffset((long) n * Double.BYTES), buffers.tokensOut().pointer(), n,
                config.vocab());
        int[] ids = new int[step.logitRows()];
        buffers.tokensOut().copyTo(ids);
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

    /** Queues the whole step; the logits end in {@code buffers.logits()}. */
    private StepLayout run(List<SequenceChunk> chunks, PagedKvCache cache) {
        device.makeCurrent();
        DeviceKvStorage kv = cache.storage(DeviceKvStorage.class);
        StepLayout step = new StepLayout(chunks, cache, config);
        StepMetadata meta = StepMetadata.of(step, rope);
        buffers.ensure(step.tokens(), step.logitRows(), meta.length());
        buffers.meta().copyFrom(meta.packed(), meta.length());
        if (useGraphs && isDecode(step)) {
            // A replay attends with room for the whole context: the step's own longest length
            // would be baked into the graph.
            graphs.get(step.tokens(), kv, buffers.generation(),
                    () -> queue(meta, step.tokens(), step.logitRows(), config.contextLength(), kv, cache.blockSize()))
                    .launch();
        } else {
            queue(meta, step.tokens(), step.logitRows(), step.maxPos() + 1, kv, cache.blockSize());
        }
        return step;
    }

    /** One token per chunk and only its logits: the shape every decode step of a batch size shares. */
    private static boolean isDecode(StepLayout step) {
        return step.tokens() == step.chunks().size() && step.logitRows() == step.tokens();
    }

    /**
     * Queues every kernel of a step of {@code n} tokens and {@code rows} logit rows whose
     * metadata is already on the device; {@code maxLen} bounds the attended length.
     */
    private void queue(StepMetadata meta, int n, int rows, int maxLen, DeviceKvStorage kv, int blockSize) {
        CUdeviceptr m = buffers.meta().pointer();
        CUdeviceptr positions = m.withByteOffset(4L * meta.positions());
        CUdeviceptr slots = m.withByteOffset(4L * meta.slots());
        CUdeviceptr rotations = m.withByteOffset(4L * meta.rotations());
        CUdeviceptr tableStarts = m.withByteOffset(4L * meta.tableStarts());
        CUdeviceptr blocks = m.withByteOffset(4L * meta.blocks());
        CUdeviceptr x = buffers.x();
        int dim = config.dim();
        float eps = config.normEps();

        kernels.embed(weights.embedding(), m.withByteOffset(4L * meta.tokenIds()), x, n);
        for (int l = 0; l < config.layers(); l++) {
            DeviceWeights.Layer layer = weights.layer(l);
            kernels.rmsNorm(x, layer.attnNorm(), null, n, dim, eps, input(layer.qkv()));
            kernels.matmulRope(layer.qkv(), input(layer.qkv()), buffers.qkv(), n, rotations, slots, kv.keys(l),
                    kv.values(l), shape);
            if (config.headDim() % 32 == 0) {  // a head is whole Q8_0 blocks: attention rounds its own output
                kernels.attention(buffers.qkv(), kv.keys(l), kv.values(l), input(layer.wo()), positions, tableStarts,
                        blocks, blockSize, n, maxLen, shape);
            } else {
                kernels.attention(buffers.qkv(), kv.keys(l), kv.values(l), buffers.attention(), positions, tableStarts,
                        blocks, blockSize, n, maxLen, shape);
                kernels.convert(buffers.attention(), (long) n * dim, input(layer.wo()));
            }
            kernels.matmul(layer.wo(), input(layer.wo()), x, n, true);

            kernels.rmsNorm(x, layer.ffnNorm(), null, n, dim, eps, input(layer.gateUp()));
            kernels.matmul(layer.gateUp(), input(layer.gateUp()), buffers.gateUp(), n, false);
            kernels.swiGlu(buffers.gateUp(), config.hiddenDim(), n, input(layer.down()));
            kernels.matmul(layer.down(), input(layer.down()), x, n, true);
        }
        DeviceMatrix output = weights.output();
        kernels.rmsNorm(x, weights.outputNorm(), m.withByteOffset(4L * meta.logitTokens()), rows, dim, eps, input(output));
        kernels.matmul(output, input(output), buffers.logits().pointer(), rows, false);
    }

    /** The step's input buffers in the format {@code w} reads. */
    private Activations input(DeviceMatrix w) {
        return buffers.activations(w.inputFormat());
    }

    /** Frees the weights and step buffers (KV caches are freed by closing them). */
    @Override
    public void close() {
        device.makeCurrent();
        graphs.close();
        stream.close();
        buffers.close();
        weights.close();
    }
}
