package dev.gauntlet.engine.cuda.kernels;

import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT;
import static jcuda.driver.JCudaDriver.cuCtxGetDevice;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;

import dev.gauntlet.engine.cuda.driver.Cuda;
import dev.gauntlet.engine.cuda.driver.CudaStream;
import dev.gauntlet.engine.gguf.GgmlType;
import java.util.Locale;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;

/**
 * Typed launches of the forward pass's kernels (sources in {@code src/main/cuda}); all are queued
 * on one stream, in order. Shapes are checked by the caller, which owns the buffers.
 */
public final class LlamaKernels {
    /** Threads per block of the matrix products: one warp per row, so 4 rows per block. */
    private static final int MATMUL_THREADS = 128;
    private static final int ROWS_PER_MATMUL_BLOCK = MATMUL_THREADS / 32;
    /** Threads per block of the per-32-block kernels and the embedding. */
    private static final int ROW_THREADS = 256;
    /**
     * Threads per RMSNorm block, each writing one element: a row takes dim / NORM_THREADS blocks
     * (rounded up), each summing the whole row. Equals activations.cu's NORM_THREADS.
     */
    private static final int NORM_THREADS = 256;
    /** Row elements each RMSNorm thread sums, at most (4 × activations.cu's MAX_NORM_VECS). */
    private static final int MAX_NORM_ITEMS = 32;
    /**
     * Most threads per attention block (attention.cu's ATTN_THREADS): 32 warps of 4 positions
     * take a decode step's first 128 positions in one pass over the cache, where 8 warps took
     * four passes, each waiting on its block-table and cache reads (8b Q4_0 batch-1 decode step
     * with graphs, H100: 2.42-2.45 ms with 8 warps, 2.24 with 16 in the same call; in the next,
     * 2.27 with 16 and 2.17-2.18 with 32). Steps of many tokens, whose
     * (head, token) blocks fill the device anyway, take fewer warps a block ({@link #attentionWarps}).
     */
    private static final int MAX_ATTENTION_WARPS = 32;
    /** Fewest warps per attention block: the 256 threads a block had before. */
    private static final int MIN_ATTENTION_WARPS = 8;
    /** Warps a multiprocessor holds at most (compute capability 9.0). */
    private static final int WARPS_PER_MULTIPROCESSOR = 64;
    /** Most dimensions a head may have (attention.cu's MAX_HEAD_DIM). */
    public static final int MAX_HEAD_DIM = 256;
    private static final int ARGMAX_THREADS = 1024;
    /** Most candidates {@link #topKSample} keeps (MAX_TOP_K in model.cu). */
    public static final int MAX_TOP_K = 64;
    /** Inputs per pass over a weight row; larger batches take ceil(batch / 8) passes. */
    private static final int MAX_GROUP = 8;

    private final KernelLibrary library;
    private final CUstream stream;
    private final int multiprocessors;

    /** Launches on {@code stream}, on the device of the current context (the stream's). */
    public LlamaKernels(KernelLibrary library, CudaStream stream) {
        this.library = library;
        this.stream = stream.handle();
        CUdevice device = new CUdevice();
        Cuda.check(cuCtxGetDevice(device), "cuCtxGetDevice");
        int[] count = new int[1];
        Cuda.check(cuDeviceGetAttribute(count, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device),
                "multiprocessor count");
        this.multiprocessors = count[0];
    }

    /** x[t] = embedding row tokens[t], dequantized to float. */
    public void embed(DeviceMatrix embedding, CUdeviceptr tokens, CUdeviceptr x, int n) {
        library.kernel("embed_" + typeName(embedding.type()))
                .launch(stream, n, 1, ROW_THREADS, 0, embedding.data(), embedding.rowBytes(), tokens, x, embedding.cols());
    }

    /**
     * out = RMSNorm of {@code rows} rows of x (row {@code rowMap[r]} when rowMap is not null),
     * rounded into {@code out}'s format.
     */
    public void rmsNorm(CUdeviceptr x, CUdeviceptr weight, CUdeviceptr rowMap, int rows, int dim, float eps, Activations out) {
        norm("rmsnorm_", rows, dim, out, x, weight, rowMap, out.values(), out.scales(), dim, eps);
    }

    /**
     * As {@link #rmsNorm}, of each row of x plus the {@code ranks} partial sums that {@code parts}
     * (a device table of pointers, one per tensor-parallel rank) point at, that sum also written
     * to the same row of {@code reduced}: the all-reduce of a row-parallel product and its
     * residual connection, in the norm's one pass over the row. The sum goes to another buffer
     * than x because every block of a row reads the whole row while it writes its slice.
     */
    public void reduceRmsNorm(CUdeviceptr x, CUdeviceptr reduced, CUdeviceptr parts, int ranks, CUdeviceptr weight,
                              CUdeviceptr rowMap, int rows, int dim, float eps, Activations out) {
        norm("rmsnorm_reduce_", rows, dim, out, x, weight, rowMap, out.values(), out.scales(), dim, eps, parts, ranks,
                reduced);
    }

    private void norm(String kernel, int rows, int dim, Activations out, Object... args) {
        if (dim > MAX_NORM_ITEMS * NORM_THREADS) {
            throw new IllegalArgumentException("RMSNorm holds rows of at most " + MAX_NORM_ITEMS * NORM_THREADS
                    + " values, not " + dim);
        }
        library.kernel(kernel + out.format().suffix())
                .launch(stream, rows, gridFor(dim, NORM_THREADS), NORM_THREADS, 0, args);
    }

    /**
     * Waits on the device until all {@code ranks} tensor-parallel ranks reach this barrier, whose
     * signals {@code signals} (a device table of pointers, one per rank) points at: what the
     * kernels before it wrote is then visible to every rank.
     */
    public void barrier(CUdeviceptr signals, int rank, int ranks) {
        library.kernel("tp_barrier").launch(stream, 1, 1, 32, 0, signals, rank, ranks);
    }

    /**
     * Gathers {@code rows} rows of {@code vocab} logits into {@code out} from the vocabulary
     * slices of {@code ranks} ranks ({@code slices}: a device table of pointers, one per rank),
     * split as {@link dev.gauntlet.engine.cuda.parallel.TensorParallelPlan#vocabStart}.
     */
    public void gatherLogits(CUdeviceptr out, CUdeviceptr slices, int rows, int vocab, int ranks) {
        library.kernel("tp_gather").launch(stream, gridFor(vocab, ROW_THREADS), rows, ROW_THREADS, 0, out, slices, rows,
                vocab, ranks);
    }

    /** out = silu(gate) * up of {@code n} rows of [gate | up] (each {@code ffn} wide), rounded into out's format. */
    public void swiGlu(CUdeviceptr gateUp, int ffn, int n, Activations out) {
        long blocks = (long) n * ffn / 32;
        library.kernel("swiglu_" + out.format().suffix())
                .launch(stream, gridFor(blocks, ROW_THREADS / 32), 1, ROW_THREADS, 0, gateUp, out.values(), out.scales(), ffn, n);
    }

    /** Rounds {@code count} floats of x (a multiple of 32) into out's format. */
    public void convert(CUdeviceptr x, long count, Activations out) {
        library.kernel("convert_" + out.format().suffix())
                .launch(stream, gridFor(count / 32, ROW_THREADS / 32), 1, ROW_THREADS, 0, x, out.values(), out.scales(), count);
    }

    /**
     * out[b][r] = Σ_c W[r][c] · in[b][c] for {@code batch} inputs, or {@code +=} when
     * {@code accumulate} (a residual connection folded into the product).
     */
    public void matmul(DeviceMatrix w, Activations in, CUdeviceptr out, int batch, boolean accumulate) {
        library.kernel("matmul_" + typeName(w.type()) + "_b" + group(w, in, batch))
                .launch(stream, gridFor(w.rows(), ROWS_PER_MATMUL_BLOCK), 1, MATMUL_THREADS, 0,
                        w.data(), in.values(), in.scales(), out, w.rows(), w.cols(), batch, accumulate ? 1 : 0);
    }

    /**
     * The fused QKV product of {@code n} inputs into {@code qkv} as {@link #matmul} (rows {@code [q | k | v]}),
     * with RoPE applied to the q and k parts by each token's {@code rotations} (the (cos, sin)
     * floats of each pair of dimensions), then k and v copied into the layer's cache at
     * {@code slots}: one kernel instead of a product and a RoPE kernel.
     */
    public void matmulRope(DeviceMatrix w, Activations in, CUdeviceptr qkv, int n, CUdeviceptr rotations,
                           CUdeviceptr slots, CUdeviceptr keys, CUdeviceptr values, AttentionShape shape) {
        library.kernel("matmul_rope_" + typeName(w.type()) + "_b" + group(w, in, n))
                .launch(stream, gridFor(w.rows(), ROWS_PER_MATMUL_BLOCK), 1, MATMUL_THREADS, 0,
                        w.data(), in.values(), in.scales(), qkv, w.rows(), w.cols(), n, rotations, slots, keys,
                        values, shape.heads() * shape.headDim(), shape.kvHeads() * shape.headDim(), shape.headDim(),
                        shape.ropeDim());
    }

    /**
     * Causal attention of {@code n} tokens over their sequences' cached positions, rounded into
     * {@code out}'s format (the output projection's input); the head size must be a multiple of
     * 32. {@code maxLen} is the longest attended length in the step (sizes the shared memory).
     */
    public void attention(CUdeviceptr qkv, CUdeviceptr keys, CUdeviceptr values, Activations out, CUdeviceptr positions,
                          CUdeviceptr tableStarts, CUdeviceptr blocks, int blockSize, int n, int maxLen,
                          AttentionShape shape) {
        if (shape.headDim() % 32 != 0) {
            throw new IllegalArgumentException("heads of " + shape.headDim() + " do not split into Q8_0 blocks");
        }
        attention("attention_" + out.format().suffix(), qkv, keys, values, out.values(), out.scales(), positions,
                tableStarts, blocks, blockSize, n, maxLen, shape);
    }

    /** Causal attention as above, into {@code n} rows of floats, for any head size. */
    public void attention(CUdeviceptr qkv, CUdeviceptr keys, CUdeviceptr values, CUdeviceptr out, CUdeviceptr positions,
                          CUdeviceptr tableStarts, CUdeviceptr blocks, int blockSize, int n, int maxLen,
                          AttentionShape shape) {
        attention("attention_f32", qkv, keys, values, out, null, positions, tableStarts, blocks, blockSize, n, maxLen,
                shape);
    }

    private void attention(String kernel, CUdeviceptr qkv, CUdeviceptr keys, CUdeviceptr values, CUdeviceptr out,
                           CUdeviceptr scales, CUdeviceptr positions, CUdeviceptr tableStarts, CUdeviceptr blocks,
                           int blockSize, int n, int maxLen, AttentionShape shape) {
        int warps = attentionWarps(shape.heads() * n);
        library.kernel(kernel).launch(stream, shape.heads(), n, warps * 32,
                attentionSharedBytes(shape.headDim(), maxLen, warps), qkv, keys, values, out, scales, positions, tableStarts,
                blocks, blockSize, shape.heads(), shape.kvHeads(), shape.headDim(), maxLen,
                (float) (1.0 / Math.sqrt(shape.headDim())));
    }

    /**
     * Warps per attention block for a step of {@code blocks} (head, token) blocks: as many as
     * the device's warp slots hold with all blocks in them, a power of two from {@value
     * #MIN_ATTENTION_WARPS} to {@value #MAX_ATTENTION_WARPS}. 8b decode steps of 1 and 8 tokens
     * (32 and 256 blocks) take 32 on an H100, a 512-token prefill 8 (8b, H100, same call: with
     * 32 warps for every step the Q4_0 prefill took 614 ms against main's 589, with 8 for it 593;
     * with 16 for batch 8 its decode step took 8.81 ms against 8.58 with 32).
     */
    private int attentionWarps(int blocks) {
        int fit = Math.max(1, multiprocessors * WARPS_PER_MULTIPROCESSOR / blocks);
        return Math.clamp(Integer.highestOneBit(fit), MIN_ATTENTION_WARPS, MAX_ATTENTION_WARPS);
    }

    /** Most dynamic shared memory an attention block takes (with the most warps). */
    public static int attentionSharedBytes(int headDim, int maxLen) {
        return attentionSharedBytes(headDim, maxLen, MAX_ATTENTION_WARPS);
    }

    /** Dynamic shared memory of one attention block: q, the scores and each warp's partial output. */
    private static int attentionSharedBytes(int headDim, int maxLen, int warps) {
        return (headDim + maxLen + warps * headDim) * Float.BYTES;
    }

    /** Lets attention attend up to {@code contextLength} positions, in every output format. */
    public void prepareAttention(int headDim, int contextLength) {
        for (String kernel : new String[] {"attention_q8_0", "attention_f16", "attention_f32"}) {
            library.allowSharedMemory(library.kernel(kernel), attentionSharedBytes(headDim, contextLength));
        }
    }

    /** out[r] = index of the largest of {@code vocab} logits of row r (the first, on ties). */
    public void argmax(CUdeviceptr logits, CUdeviceptr out, int rows, int vocab) {
        library.kernel("argmax").launch(stream, rows, 1, ARGMAX_THREADS, 0, logits, out, vocab);
    }

    /**
     * out[r] = the token {@link dev.gauntlet.engine.sampling.TokenDraw#pick} chooses from row r,
     * given per row its candidate count k (1..{@value #MAX_TOP_K}, at most {@code vocab}), inverse
     * temperature and uniform draw (ints and doubles as {@code k}, {@code invT}, {@code uniform}).
     */
    public void topKSample(CUdeviceptr logits, CUdeviceptr k, CUdeviceptr invT, CUdeviceptr uniform, CUdeviceptr out,
                           int rows, int vocab) {
        library.kernel("top_k_sample").launch(stream, rows, 1, ARGMAX_THREADS, 0, logits, k, invT, uniform, out, vocab);
    }

    /** Inputs per pass over a weight row: the smallest power of two covering the batch, up to 8. */
    private static int group(DeviceMatrix w, Activations in, int batch) {
        if (in.format() != w.inputFormat()) {
            throw new IllegalArgumentException(w.type() + " weights read " + w.inputFormat() + " inputs, got " + in.format());
        }
        return Integer.highestOneBit(Math.min(batch, MAX_GROUP) * 2 - 1);
    }

    private static String typeName(GgmlType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    private static int gridFor(long items, int perBlock) {
        long grid = (items + perBlock - 1) / perBlock;
        if (grid > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(items + " items are too many for one launch");
        }
        return (int) grid;
    }

    /** The attention geometry the fused QKV product (RoPE) and attention kernels need. */
    public record AttentionShape(int heads, int kvHeads, int headDim, int ropeDim) {
    }
}
