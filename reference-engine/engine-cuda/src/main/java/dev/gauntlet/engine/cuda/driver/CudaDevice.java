package dev.gauntlet.engine.cuda.driver;

import static jcuda.driver.JCudaDriver.cuCtxEnablePeerAccess;
import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuDeviceCanAccessPeer;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;

/**
 * One CUDA device and its primary context, through JCuda's driver API (which needs only the
 * driver's {@code libcuda.so.1}, no CUDA toolkit).
 *
 * <p>A CUDA context is current per thread: every entry point that may run on another thread
 * than the one that opened the device (the scheduler's engine thread, say) calls
 * {@link #makeCurrent} first. The primary context is shared by everything in the process that
 * uses the same device.
 */
public final class CudaDevice implements AutoCloseable {
    private final int ordinal;
    private final CUdevice device;
    private final CUcontext context;
    private final String name;
    private boolean closed;

    private CudaDevice(int ordinal, CUdevice device, CUcontext context, String name) {
        this.ordinal = ordinal;
        this.device = device;
        this.context = context;
        this.name = name;
    }

    /**
     * Opens device {@code ordinal}.
     *
     * @throws CudaException when the driver library cannot be loaded, no such device exists or
     *     the context cannot be made; the message says which
     */
    public static CudaDevice open(int ordinal) {
        int count = count();
        if (ordinal < 0 || ordinal >= count) {
            throw new CudaException("CUDA device " + ordinal + " does not exist (" + count + " found)");
        }
        CUdevice device = new CUdevice();
        Cuda.check(cuDeviceGet(device, ordinal), "cuDeviceGet");
        byte[] raw = new byte[256];
        Cuda.check(cuDeviceGetName(raw, raw.length, device), "cuDeviceGetName");
        int end = 0;
        while (end < raw.length && raw[end] != 0) {
            end++;
        }
        CUcontext context = new CUcontext();
        Cuda.check(cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
        CudaDevice d = new CudaDevice(ordinal, device, context, new String(raw, 0, end, StandardCharsets.UTF_8));
        d.makeCurrent();
        return d;
    }

    /** Why no CUDA device can be used here, or empty when device 0 opens. */
    public static Optional<String> unavailableReason() {
        try (CudaDevice d = open(0)) {
            return Optional.empty();
        } catch (CudaException e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * Lets every device of {@code devices} read and write the memory of every other one, which
     * tensor-parallel kernels do through peer pointers. Devices of the same ordinal share a
     * context and need nothing.
     *
     * @throws CudaException naming the pair when two devices cannot reach each other
     */
    public static void enablePeerAccess(List<CudaDevice> devices) {
        for (CudaDevice a : devices) {
            for (CudaDevice b : devices) {
                if (a.ordinal == b.ordinal) {
                    continue;
                }
                int[] can = new int[1];
                Cuda.check(cuDeviceCanAccessPeer(can, a.device, b.device), "cuDeviceCanAccessPeer");
                if (can[0] == 0) {
                    throw new CudaException("CUDA device " + a.ordinal + " (" + a.name + ") cannot access the memory of device "
                            + b.ordinal + " (" + b.name + "), which tensor parallelism needs (peer-to-peer)");
                }
                a.makeCurrent();
                int result = cuCtxEnablePeerAccess(b.context, 0);
                if (result != CUresult.CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED) {
                    Cuda.check(result, "cuCtxEnablePeerAccess from device " + a.ordinal + " to " + b.ordinal);
                }
            }
        }
    }

    /**
     * How many CUDA devices the driver sees.
     *
     * @throws CudaException when the driver library or JCuda's natives cannot be loaded, or the
     *     driver does not start; the message says which
     */
    public static int count() {
        try {
            Cuda.check(cuInit(0), "cuInit (is an NVIDIA driver installed?)");
        } catch (LinkageError e) {
            // JCuda's message holds a stack trace per load attempt; the last error line says what is missing.
            String message = String.valueOf(e.getMessage());
            String cause = message.lines().filter(l -> l.contains("UnsatisfiedLinkError")).reduce((a, b) -> b)
                    .orElse(message.lines().findFirst().orElse(message));
            throw new CudaException("the CUDA driver library (libcuda.so.1) or JCuda's natives cannot be loaded: " + cause, e);
        }
        int[] count = new int[1];
        Cuda.check(cuDeviceGetCount(count), "cuDeviceGetCount");
        return count[0];
    }

    /** The device's index among the driver's devices. */
    public int ordinal() {
        return ordinal;
    }

    /** Makes this device's context current on the calling thread. */
    public void makeCurrent() {
        if (closed) {
            throw new IllegalStateException("CUDA device " + ordinal + " is closed");
        }
        Cuda.check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    /**
     * Allocates {@code bytes} of device memory for {@code purpose}.
     *
     * @throws DeviceMemoryException naming the purpose, the size and the free memory when the
     *     device has too little
     */
    public DeviceBuffer allocate(long bytes, String purpose) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("allocation of " + bytes + " bytes for " + purpose);
        }
        makeCurrent();
        CUdeviceptr p = new CUdeviceptr();
        int result = cuMemAlloc(p, bytes);
        if (result == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            MemoryInfo m = memoryInfo();
            throw new DeviceMemoryException("cannot allocate " + Cuda.gib(bytes) + " of device memory for " + purpose
                    + " on " + name + ": " + Cuda.gib(m.freeBytes()) + " free of " + Cuda.gib(m.totalBytes()));
        }
        Cuda.check(result, "cuMemAlloc of " + bytes + " bytes for " + purpose);
        return new DeviceBuffer(p, bytes);
    }

    /** Free and total memory now. */
    public MemoryInfo memoryInfo() {
        makeCurrent();
        long[] free = new long[1];
        long[] total = new long[1];
        Cuda.check(cuMemGetInfo(free, total), "cuMemGetInfo");
        return new MemoryInfo(free[0], total[0]);
    }

    /** Waits for all work queued on this device; reports any fault a kernel hit. */
    public void synchronize() {
        makeCurrent();
        Cuda.check(cuCtxSynchronize(), "cuCtxSynchronize (a kernel failed)");
    }

    /** The device's product name, such as {@code NVIDIA H100 80GB HBM3}. */
    public String name() {
        return name;
    }

    /** Releases this handle's reference to the primary context. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Cuda.check(cuDevicePrimaryCtxRelease(device), "cuDevicePrimaryCtxRelease");
        }
    }
}
