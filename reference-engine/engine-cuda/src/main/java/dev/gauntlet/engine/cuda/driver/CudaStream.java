package dev.gauntlet.engine.cuda.driver;

import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;

import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;

/**
 * A blocking CUDA stream: kernels queued on it run in order, and the synchronous copies of
 * {@link DeviceBuffer} (on the legacy default stream) wait for them and they for the copies, so
 * a step needs no explicit synchronization. Graph capture needs a stream other than the legacy one.
 */
public final class CudaStream implements AutoCloseable {
    private final CUstream stream = new CUstream();
    private boolean closed;

    public CudaStream(CudaDevice device) {
        device.makeCurrent();
        Cuda.check(cuStreamCreate(stream, CUstream_flags.CU_STREAM_DEFAULT), "cuStreamCreate");
    }

    /** The driver's handle. */
    public CUstream handle() {
        return stream;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Cuda.check(cuStreamDestroy(stream), "cuStreamDestroy");
        }
    }
}
