package dev.gauntlet.engine.cuda.model;

import dev.gauntlet.engine.cuda.driver.CudaDevice;
import dev.gauntlet.engine.cuda.driver.DeviceBuffer;
import dev.gauntlet.engine.cuda.kernels.DeviceMatrix;
import dev.gauntlet.engine.cuda.kernels.KernelLibrary;
import dev.gauntlet.engine.cuda.parallel.TensorParallelPlan;
import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.model.LlamaConfig;
import dev.gauntlet.engine.model.LlamaWeights;
import dev.gauntlet.engine.tensor.WeightMatrix;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import jcuda.driver.CUdeviceptr;

/**
 * A Llama model's weights in device memory (with tensor parallelism, one rank's share: see
 * {@link TensorParallelPlan#shard}), matrices in their GGUF block layouts and norms as
 * floats. Matrices that read the same input are stacked into one: per layer the query, key and
 * value projections ({@code dim + 2·kvDim} rows) and the gate and up projections
 * ({@code 2·ffn} rows), so each pair or triple is one kernel launch over one input.
 */
public final class DeviceWeights implements AutoCloseable {
    private final List<DeviceBuffer> buffers;
    private final DeviceMatrix embedding;
    private final Layer[] layers;
    private final CUdeviceptr outputNorm;
    private final DeviceMatrix output;

    /**
     * One transformer block on the device.
     *
     * @param qkv    rows {@code [wq; wk; wv]}
     * @param gateUp rows {@code [gate; up]}
     */
    public record Layer(CUdeviceptr attnNorm, DeviceMatrix qkv, DeviceMatrix wo, CUdeviceptr ffnNorm,
                        DeviceMatrix gateUp, DeviceMatrix down) {
    }

    private DeviceWeights(List<DeviceBuffer> buffers, DeviceMatrix embedding, Layer[] layers, CUdeviceptr outputNorm,
                          DeviceMatrix output) {
        this.buffers = buffers;
        this.embedding = embedding;
        this.layers = layers;
        this.outputNorm = outputNorm;
        this.output = output;
    }

    /**
     * Copies {@code weights} to the device, once. A tied output head shares the embedding's copy.
     *
     * @throws dev.gauntlet.engine.cuda.driver.DeviceMemoryException when they do not fit (nothing stays allocated)
     * @throws IllegalArgumentException for a matrix type the kernels do not run, or stacked
     *     projections of different types
     */
    public static DeviceWeights upload(CudaDevice device, LlamaConfig config, LlamaWeights weights) {
        Builder b = new Builder(device);
        try {
            DeviceMatrix embedding = b.stack("the token embedding", weights.tokenEmbedding());
            Layer[] layers = new Layer[config.layers()];
            for (int l = 0; l < layers.length; l++) {
                LlamaWeights.Layer w = weights.layers()[l];
                String p = "layer " + l + "'s ";
                layers[l] = new Layer(b.floats(p + "attention norm", w.attnNorm()),
                        b.stack(p + "query, key and value projections", w.wq(), w.wk(), w.wv()),
                        b.stack(p + "attention output", w.wo()),
                        b.floats(p + "feed-forward norm", w.ffnNorm()),
                        b.stack(p + "gate and up projections", w.gate(), w.up()),
                        b.stack(p + "down projection", w.down()));
            }
            CUdeviceptr outputNorm = b.floats("the output norm", weights.outputNorm());
            DeviceMatrix output = weights.output() == weights.tokenEmbedding()
                    ? embedding : b.stack("the output head", weights.output());
            return new DeviceWeights(b.buffers, embedding, layers, outputNorm, output);
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
    }

    /**
     * Seeded random weights of rank {@code rank}'s share of {@code plan}'s model in {@code type},
     * drawn on the device (for benchmarks of large shapes: the same bytes and kernels as real
     * weights, without generating and copying them on the host). Norm weights are 1 ± 0.1;
     * matrices have the synthetic model's spread. Each rank draws its own.
     *
     * @param tiedOutput whether the output head is the embedding (as Llama 3.2 1B); with more
     *     than one rank each holds its own vocabulary slice of it
     */
    public static DeviceWeights random(CudaDevice device, KernelLibrary kernels, TensorParallelPlan plan, int rank,
                                       GgmlType type, boolean tiedOutput, long seed) {
        Builder b = new Builder(device);
        try {
            LlamaConfig config = plan.config();
            RandomFill fill = new RandomFill(kernels, seed + 7919L * rank);
            int dim = config.dim();
            DeviceMatrix embedding = fill.matrix(b.matrix("the token embedding", type, config.vocab(), dim), 1.0f);
            Layer[] layers = new Layer[config.layers()];
            for (int l = 0; l < layers.length; l++) {
                String p = "layer " + l + "'s ";
                layers[l] = new Layer(fill.norm(b.buffer(p + "attention norm", dim * 4L), dim),
                        fill.matrix(b.matrix(p + "query, key and value projections", type,
                                plan.attentionWidth() + 2 * plan.kvDim(), dim), 0f),
                        fill.matrix(b.matrix(p + "attention output", type, dim, plan.attentionWidth()), 0f),
                        fill.norm(b.buffer(p + "feed-forward norm", dim * 4L), dim),
                        fill.matrix(b.matrix(p + "gate and up projections", type, 2 * plan.hiddenDim(), dim), 0f),
                        fill.matrix(b.matrix(p + "down projection", type, dim, plan.hiddenDim()), 0f));
            }
            CUdeviceptr outputNorm = fill.norm(b.buffer("the output norm", dim * 4L), dim);
            DeviceMatrix output = tiedOutput && plan.ranks() == 1 ? embedding
                    : fill.matrix(b.matrix("the output head", type, plan.vocabRows(rank), dim), 0f);
            device.synchronize();
            return new DeviceWeights(b.buffers, embedding, layers, outputNorm, output);
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
    }

    public DeviceMatrix embedding() {
        return embedding;
    }

    /** Layer {@code l}. */
    public Layer layer(int l) {
        return layers[l];
    }

    public CUdeviceptr outputNorm() {
        return outputNorm;
    }

    public DeviceMatrix output() {
        return output;
    }

    /** Weight bytes one decode step reads: every layer matrix and the output head (the embedding only one row each). */
    public long bytesPerStep() {
        long bytes = output.bytes();
        for (Layer l : layers) {
            bytes += l.qkv.bytes() + l.wo.bytes() + l.gateUp.bytes() + l.down.bytes();
        }
        return bytes;
    }

    /** Device memory the weights take. */
    public long deviceBytes() {
        return buffers.stream().mapToLong(DeviceBuffer::bytes).sum();
    }

    @Override
    public void close() {
        buffers.forEach(DeviceBuffer::close);
        buffers.clear();
    }

    /** Allocations of one upload, all freed if any step fails. */
    private static final class Builder implements AutoCloseable {
        private final CudaDevice device;
        private final List<DeviceBuffer> buffers = new ArrayList<>();

        Builder(CudaDevice device) {
            this.device = device;
        }

        DeviceBuffer buffer(String purpose, long bytes) {
            DeviceBuffer b = device.allocate(bytes, purpose);
            buffers.add(b);
            return b;
        }

        DeviceMatrix matrix(String purpose, GgmlType type, int rows, int cols) {
            long bytes = type.bytesFor((long) rows * cols) + DeviceMatrix.PADDING;
            return new DeviceMatrix(buffer(purpose, bytes).pointer(), type, rows, cols);
        }

        /** The parts' rows one after another in one matrix; they must share type and width. */
        DeviceMatrix stack(String purpose, WeightMatrix... parts) {
            int rows = 0;
            for (WeightMatrix m : parts) {
                if (m.type() != parts[0].type() || m.cols() != parts[0].cols()) {
                    throw new IllegalArgumentException(purpose + " must share one type and width to run as one product, got "
                            + m.type() + " " + m.rows() + "×" + m.cols() + " beside " + parts[0].type() + " "
                            + parts[0].rows() + "×" + parts[0].cols());
                }
                rows += m.rows();
            }
            DeviceMatrix stacked = matrix(purpose, parts[0].type(), rows, parts[0].cols());
            DeviceBuffer target = buffers.getLast();
            long offset = 0;
            for (WeightMatrix m : parts) {
                MemorySegment bytes = m.data().asSlice(0, m.byteSize());
                target.copyFrom(bytes, offset);
                offset += bytes.byteSize();
            }
            return stacked;
        }

        CUdeviceptr floats(String purpose, float[] values) {
            DeviceBuffer b = buffer(purpose, (long) values.length * Float.BYTES);
            b.copyFrom(values);
            return b.pointer();
        }

        @Override
        public void close() {
            buffers.forEach(DeviceBuffer::close);
        }
    }

    /** Launches of the seeded fill kernels of {@code random.cu}, each tensor with its own seed drawn from the model's. */
    private static final class RandomFill {
        private static final int THREADS = 256;
        private static final int GRID = 4096;
        private final KernelLibrary kernels;
        private long tensorSeed;

        RandomFill(KernelLibrary kernels, long seed) {
            this.kernels = kernels;
            this.tensorSeed = seed * 1_000_003L;
        }

        /** Fills m with spread {@code std}, or 1/sqrt(cols) when 0. */
        DeviceMatrix matrix(DeviceMatrix m, float std) {
            float s = std > 0 ? std : (float) (1 / Math.sqrt(m.cols()));
            long count = (long) m.rows() * m.cols() / m.type().blockSize();
            kernels.kernel("random_" + m.type().name().toLowerCase(java.util.Locale.ROOT))
                    .launch(null, GRID, 1, THREADS, 0, m.data(), count, tensorSeed++, s);
            return m;
        }

        CUdeviceptr norm(DeviceBuffer b, int size) {
            kernels.kernel("random_norm").launch(null, GRID, 1, THREADS, 0, b.pointer(), (long) size, tensorSeed++, 0.1f);
            return b.pointer();
        }
    }
}
