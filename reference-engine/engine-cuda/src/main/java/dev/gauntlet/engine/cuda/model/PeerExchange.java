package dev.gauntlet.engine.cuda.model;

import dev.gauntlet.engine.cuda.driver.CudaDevice;
import dev.gauntlet.engine.cuda.driver.DeviceBuffer;
import dev.gauntlet.engine.cuda.driver.KernelLauncher;
import java.util.List;
import jcuda.driver.CUdeviceptr;

/**
 * What tensor-parallel ranks need to reach each other's buffers from their kernels: per rank a
 * barrier signal (parallel.cu's {@code tp_barrier} counts) and a table of device pointers to
 * every rank's shared buffers, in four runs of {@code ranks} pointers: the attention partial
 * sums, the feed-forward partial sums, the logit slices and the signals. Pointers reach a peer's
 * memory through unified addressing (peer access enabled) or, for ranks sharing a device, directly.
 */
final class PeerExchange implements AutoCloseable {
    /** The runs of a rank's table. */
    private static final int ATTENTION = 0;
    private static final int FEED_FORWARD = 1;
    private static final int LOGITS = 2;
    private static final int SIGNALS = 3;

    private final List<CudaDevice> devices;
    private final int ranks;
    private final DeviceBuffer[] signals;
    private final DeviceBuffer[] tables;
    private int writtenGeneration = -1;

    /**
     * Allocates every rank's signal (zeroed) and table on its device.
     *
     * @throws dev.gauntlet.engine.cuda.driver.DeviceMemoryException when a device has too little memory
     */
    PeerExchange(List<CudaDevice> devices) {
        this.devices = devices;
        this.ranks = devices.size();
        this.signals = new DeviceBuffer[ranks];
        this.tables = new DeviceBuffer[ranks];
        try {
            for (int r = 0; r < ranks; r++) {
                signals[r] = devices.get(r).allocate((1L + ranks) * Integer.BYTES, "rank " + r + "'s barrier signal");
                signals[r].copyFrom(new int[1 + ranks], 1 + ranks);
                tables[r] = devices.get(r).allocate(4L * ranks * Long.BYTES, "rank " + r + "'s table of peer buffers");
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Rewrites every rank's table when the ranks' buffers changed since the last call
     * ({@code generation} differs). Synchronous copies: call before queueing the step.
     */
    void update(List<StepBuffers> buffers, int generation) {
        if (generation == writtenGeneration) {
            return;
        }
        long[] table = new long[4 * ranks];
        for (int p = 0; p < ranks; p++) {
            StepBuffers b = buffers.get(p);
            table[ATTENTION * ranks + p] = KernelLauncher.address(b.attentionPartial());
            table[FEED_FORWARD * ranks + p] = KernelLauncher.address(b.feedForwardPartial());
            table[LOGITS * ranks + p] = KernelLauncher.address(b.logitSlice());
            table[SIGNALS * ranks + p] = KernelLauncher.address(signals[p].pointer());
        }
        for (int r = 0; r < ranks; r++) {
            devices.get(r).makeCurrent();
            tables[r].copyFrom(table);
        }
        writtenGeneration = generation;
    }

    /** Rank {@code rank}'s pointers to every rank's attention partial sums. */
    CUdeviceptr attentionPartials(int rank) {
        return run(rank, ATTENTION);
    }

    /** Rank {@code rank}'s pointers to every rank's feed-forward partial sums. */
    CUdeviceptr feedForwardPartials(int rank) {
        return run(rank, FEED_FORWARD);
    }

    /** Rank {@code rank}'s pointers to every rank's logit slice. */
    CUdeviceptr logitSlices(int rank) {
        return run(rank, LOGITS);
    }

    /** Rank {@code rank}'s pointers to every rank's barrier signal. */
    CUdeviceptr signals(int rank) {
        return run(rank, SIGNALS);
    }

    private CUdeviceptr run(int rank, int run) {
        return tables[rank].at((long) run * ranks * Long.BYTES);
    }

    @Override
    public void close() {
        for (int r = 0; r < ranks; r++) {
            devices.get(r).makeCurrent();
            if (signals[r] != null) {
                signals[r].close();
            }
            if (tables[r] != null) {
                tables[r].close();
            }
        }
    }
}
