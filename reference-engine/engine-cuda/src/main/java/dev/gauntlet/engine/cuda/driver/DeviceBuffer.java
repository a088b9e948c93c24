package dev.gauntlet.engine.cuda.driver;

import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;

import java.lang.foreign.MemorySegment;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/** One allocation of device memory, freed by {@link #close} (idempotent). Copies are synchronous. */
public final class DeviceBuffer implements AutoCloseable {
    /** Largest piece one host-to-device copy takes: a {@link java.nio.ByteBuffer} holds at most 2 GiB. */
    private static final long COPY_PIECE = 1L << 30;

    private final CUdeviceptr pointer;
    private final long bytes;
    private boolean freed;

    DeviceBuffer(CUdeviceptr pointer, long bytes) {
        this.pointer = pointer;
        this.bytes = bytes;
    }

    /** The device address of the first byte. */
    public CUdeviceptr pointer() {
        return pointer;
    }

    /** The device address {@code offset} bytes in. */
    public CUdeviceptr at(long offset) {
        if (offset < 0 || offset > bytes) {
            throw new IndexOutOfBoundsException("offset " + offset + " in a buffer of " + bytes + " bytes");
        }
        return pointer.withByteOffset(offset);
    }

    /** Size in bytes. */
    public long bytes() {
        return bytes;
    }

    /** Copies all of {@code src} (native memory, such as a mapped weight) to byte {@code offset} on. */
    public void copyFrom(MemorySegment src, long offset) {
        checkRange(offset, src.byteSize());
        for (long done = 0; done < src.byteSize(); done += COPY_PIECE) {
            long n = Math.min(COPY_PIECE, src.byteSize() - done);
            Cuda.check(cuMemcpyHtoD(at(offset + done), Pointer.to(src.asSlice(done, n).asByteBuffer()), n),
                    "cuMemcpyHtoD of " + n + " bytes");
        }
    }

    /** Copies {@code src} to the start of the buffer. */
    public void copyFrom(float[] src) {
        checkRange(0, (long) src.length * Float.BYTES);
        Cuda.check(cuMemcpyHtoD(pointer, Pointer.to(src), (long) src.length * Float.BYTES), "cuMemcpyHtoD of floats");
    }

    /** Copies {@code count} ints of {@code src} to the start of the buffer. */
    public void copyFrom(int[] src, int count) {
        checkRange(0, (long) count * Integer.BYTES);
        Cuda.check(cuMemcpyHtoD(pointer, Pointer.to(src), (long) count * Integer.BYTES), "cuMemcpyHtoD of ints");
    }

    /** Copies {@code src} (such as device addresses) to the start of the buffer. */
    public void copyFrom(long[] src) {
        checkRange(0, (long) src.length * Long.BYTES);
        Cuda.check(cuMemcpyHtoD(pointer, Pointer.to(src), (long) src.length * Long.BYTES), "cuMemcpyHtoD of longs");
    }

    /** Copies the first {@code dst.length} floats of the buffer into {@code dst}. */
    public void copyTo(float[] dst) {
        checkRange(0, (long) dst.length * Float.BYTES);
        Cuda.check(cuMemcpyDtoH(Pointer.to(dst), pointer, (long) dst.length * Float.BYTES), "cuMemcpyDtoH of floats");
    }

    /** Copies the first {@code dst.length} ints of the buffer into {@code dst}. */
    public void copyTo(int[] dst) {
        checkRange(0, (long) dst.length * Integer.BYTES);
        Cuda.check(cuMemcpyDtoH(Pointer.to(dst), pointer, (long) dst.length * Integer.BYTES), "cuMemcpyDtoH of ints");
    }

    private void checkRange(long offset, long length) {
        if (freed) {
            throw new IllegalStateException("device buffer already freed");
        }
        if (offset < 0 || length < 0 || offset + length > bytes) {
            throw new IndexOutOfBoundsException(length + " bytes at " + offset + " in a buffer of " + bytes + " bytes");
        }
    }

    @Override
    public void close() {
        if (!freed) {
            freed = true;
            Cuda.check(cuMemFree(pointer), "cuMemFree");
        }
    }
}
