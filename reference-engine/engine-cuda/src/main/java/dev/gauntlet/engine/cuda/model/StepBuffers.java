package dev.gauntlet.engine.cuda.model;

import dev.gauntlet.engine.cuda.driver.CudaDevice;
import dev.gauntlet.engine.cuda.driver.DeviceBuffer;
import dev.gauntlet.engine.cuda.kernels.ActivationFormat;
import dev.gauntlet.engine.cuda.kernels.Activations;
import dev.gauntlet.engine.model.LlamaConfig;
import java.util.ArrayList;
import java.util.List;
import jcuda.driver.CUdeviceptr;

/**
 * The device buffers one forward step works in, sized for a number of tokens and logit rows and
 * regrown (never shrunk) when a step needs more.
 */
final class StepBuffers implements AutoCloseable {
    /** Capacities are rounded up to this, so that steps of slightly varying size do not reallocate. */
    private static final int GRAIN = 64;
    /** A token draw's inverse temperature and uniform draw (doubles) and candidate count (int). */
    static final int DRAW_BYTES = 2 * Double.BYTES + Integer.BYTES;

    private final CudaDevice device;
    private final LlamaConfig config;
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

    StepBuffers(CudaDevice device, LlamaConfig config) {
        this.device = device;
        this.config = config;
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
            int widest = Math.max(config.dim(), config.hiddenDim());
            x = replace(x, n * config.dim() * Float.BYTES, "the step's hidden states");
            qkv = replace(qkv, n * (config.dim() + 2L * config.kvDim()) * Float.BYTES, "the step's queries, keys and values");
            attention = replace(attention, n * config.dim() * Float.BYTES, "the step's attention output");
            gateUp = replace(gateUp, n * 2L * config.hiddenDim() * Float.BYTES, "the step's feed-forward activations");
            activationValues = replace(activationValues, n * widest * 2L, "the step's rounded matrix inputs");
            activationScales = replace(activationScales, n * widest / 32 * Float.BYTES, "the step's input scales");
            tokenCapacity = (int) n;
        }
        if (rows > rowCapacity) {
            rowCapacity = 0;
            int r = roundUp(rows);
            logits = replace(logits, (long) r * config.vocab() * Float.BYTES, "the step's logits");
            tokensOut = replace(tokensOut, (long) r * Integer.BYTES, "the step's sampled tokens");
            draws = replace(draws, (long) r * DRAW_BYTES, "the step's token draws");
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

    DeviceBuffer logits() {
        return logits;
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
