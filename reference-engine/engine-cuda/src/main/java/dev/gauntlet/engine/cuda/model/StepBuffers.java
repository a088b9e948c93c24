package dev.gauntlet.engine.cuda.model;

import dev.gauntlet.engine.cuda.driver.CudaDevice;
import dev.gauntlet.engine.cuda.driver.DeviceBuffer;
import dev.gauntlet.engine.cuda.kernels.ActivationFormat;
import dev.gauntlet.engine.cuda.kernels.Activations;
import dev.gauntlet.engine.cuda.parallel.TensorParallelPlan;
import java.util.ArrayList;
import java.util.List;
import jcuda.driver.CUdeviceptr;

/**
 * The device buffers one forward step works in on one rank, sized for a number of tokens and
 * logit rows and regrown (never shrunk) when a step needs more. With tensor parallelism a rank
 * also has the buffers its peers read: the partial sums of its two row-parallel products and its
 * slice of the logits.
 */
final class StepBuffers implements AutoCloseable {
    /** Capacities are rounded up to this, so that steps of slightly varying size do not reallocate. */
    private static final int GRAIN = 64;
    /** A token draw's inverse temperature and uniform draw (doubles) and candidate count (int). */
    static final int DRAW_BYTES = 2 * Double.BYTES + Integer.BYTES;

    private final CudaDevice device;
    private final TensorParallelPlan plan;
    private final int rank;
    private final List<DeviceBuffer> owned = new ArrayList<>();
    private int generation;
    private int tokenCapacity;
    private int rowCapacity;
    private int metaCapacity;
    private DeviceBuffer x;
    private DeviceBuffer qkv;
    private DeviceBuffer attention;
    private DeviceBuffer gateUp;
    private DeviceBuffer activationValues;
    private DeviceBuffer activationScales;
    private DeviceBuffer logits;
    private DeviceBuffer tokensOut;
    private DeviceBuffer draws;
    private DeviceBuffer meta;
    private DeviceBuffer attentionResidual;
    private DeviceBuffer attentionPartial;
    private DeviceBuffer feedForwardPartial;
    private DeviceBuffer logitSlice;

    /** The buffers of rank {@code rank} of {@code plan}. */
    StepBuffers(CudaDevice device, TensorParallelPlan plan, int rank) {
        this.device = device;
        this.plan = plan;
        this.rank = rank;
    }

    private boolean parallel() {
        return plan.ranks() > 1;
    }

    /**
     * Makes room for a step of {@code tokens} tokens, {@code rows} logit rows and {@code metaInts}
     * ints of metadata.
     *
     * @throws dev.gauntlet.engine.cuda.driver.DeviceMemoryException when the device has too little memory
     */
    void ensure(int tokens, int rows, int metaInts) {
        // A capacity is recorded only once all its buffers exist, so a failed growth is retried whole.
        if (tokens > tokenCapacity) {
            tokenCapacity = 0;
            long n = roundUp(tokens);
            int widest = Math.max(plan.config().dim(), plan.hiddenDim());
            long hidden = n * plan.config().dim() * Float.BYTES;
            x = replace(x, hidden, "the step's hidden states");
            qkv = replace(qkv, n * (plan.attentionWidth() + 2L * plan.kvDim()) * Float.BYTES,
                    "the step's queries, keys and values");
            attention = replace(attention, n * plan.attentionWidth() * Float.BYTES, "the step's attention output");
            gateUp = replace(gateUp, n * 2L * plan.hiddenDim() * Float.BYTES, "the step's feed-forward activations");
            if (parallel()) {
                attentionResidual = replace(attentionResidual, hidden, "the step's hidden states after attention");
                attentionPartial = replace(attentionPartial, hidden, "the step's partial attention output");
                feedForwardPartial = replace(feedForwardPartial, hidden, "the step's partial feed-forward output");
            }
            activationValues = replace(activationValues, n * widest * 2L, "the step's rounded matrix inputs");
            activationScales = replace(activationScales, n * widest / 32 * Float.BYTES, "the step's input scales");
            tokenCapacity = (int) n;
        }
        if (rows > rowCapacity) {
            rowCapacity = 0;
            int r = roundUp(rows);
            if (rank == 0) {  // the rank that samples
                logits = replace(logits, (long) r * plan.config().vocab() * Float.BYTES, "the step's logits");
                tokensOut = replace(tokensOut, (long) r * Integer.BYTES, "the step's sampled tokens");
                draws = replace(draws, (long) r * DRAW_BYTES, "the step's token draws");
            }
            if (parallel()) {
                logitSlice = replace(logitSlice, (long) r * plan.vocabRows(rank) * Float.BYTES, "the step's logit slice");
            }
            rowCapacity = r;
        }
        if (metaInts > metaCapacity) {
            metaCapacity = 0;
            int m = roundUp(metaInts);
            meta = replace(meta, (long) m * Integer.BYTES, "the step's metadata");
            metaCapacity = m;
        }
    }

    private static int roundUp(int n) {
        return (n + GRAIN - 1) / GRAIN * GRAIN;
    }

    private DeviceBuffer replace(DeviceBuffer old, long bytes, String purpose) {
        if (old != null && owned.remove(old)) {
            old.close();
        }
        generation++;
        DeviceBuffer b = device.allocate(bytes, purpose);
        owned.add(b);
        return b;
    }

    /** Changes whenever a buffer is reallocated, so captured graphs know their addresses are stale. */
    int generation() {
        return generation;
    }

    CUdeviceptr x() {
        return x.pointer();
    }

    CUdeviceptr qkv() {
        return qkv.pointer();
    }

    CUdeviceptr attention() {
        return attention.pointer();
    }

    CUdeviceptr gateUp() {
        return gateUp.pointer();
    }

    /** The rounded-input buffers, read as {@code format}. */
    Activations activations(ActivationFormat format) {
        return new Activations(format, activationValues.pointer(), activationScales.pointer());
    }

    /** Rank 0's: the step's logits, every row whole. */
    DeviceBuffer logits() {
        return logits;
    }

    /**
     * Where this rank's output product writes: the whole logits, or with tensor parallelism the
     * rank's vocabulary slice, which rank 0 gathers.
     */
    CUdeviceptr logitsOut() {
        return parallel() ? logitSlice.pointer() : logits.pointer();
    }

    /**
     * The residual stream between a block's attention all-reduce, which writes it, and its
     * feed-forward all-reduce, which reads it and writes {@link #x} (tensor parallelism only).
     */
    CUdeviceptr attentionResidual() {
        return attentionResidual.pointer();
    }

    /** The partial sums of the attention-output product (tensor parallelism only). */
    CUdeviceptr attentionPartial() {
        return attentionPartial.pointer();
    }

    /** The partial sums of the down product (tensor parallelism only). */
    CUdeviceptr feedForwardPartial() {
        return feedForwardPartial.pointer();
    }

    /** This rank's vocabulary slice of the logits (tensor parallelism only). */
    CUdeviceptr logitSlice() {
        return logitSlice.pointer();
    }

    DeviceBuffer tokensOut() {
        return tokensOut;
    }

    /** {@link #DRAW_BYTES} a logit row for its token draw's parameters. */
    DeviceBuffer draws() {
        return draws;
    }

    DeviceBuffer meta() {
        return meta;
    }

    /** Bytes allocated now. */
    long bytes() {
        return owned.stream().mapToLong(DeviceBuffer::bytes).sum();
    }

    @Override
    public void close() {
        owned.forEach(DeviceBuffer::close);
        owned.clear();
    }
}
