package dev.gauntlet.engine.cuda.bench;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoD;

import dev.gauntlet.engine.cuda.driver.Cuda;
import dev.gauntlet.engine.cuda.driver.CudaDevice;
import dev.gauntlet.engine.cuda.driver.DeviceBuffer;
import java.util.Arrays;
import jcuda.driver.CUevent;

/**
 * The device's memory bandwidth as a large device-to-device copy achieves it, counting the bytes
 * read and the bytes written: the ceiling that the decode roofline divides by.
 */
public final class CopyBandwidth {
    private CopyBandwidth() {
    }

    /** Median bytes per second of {@code reps} copies of {@code bytes}, after one warm-up copy. */
    public static double measure(CudaDevice device, long bytes, int reps) {
        try (DeviceBuffer src = device.allocate(bytes, "the bandwidth test's source");
             DeviceBuffer dst = device.allocate(bytes, "the bandwidth test's target")) {
            CUevent start = new CUevent();
            CUevent stop = new CUevent();
            Cuda.check(cuEventCreate(start, 0), "cuEventCreate");
            Cuda.check(cuEventCreate(stop, 0), "cuEventCreate");
            try {
                Cuda.check(cuMemcpyDtoD(dst.pointer(), src.pointer(), bytes), "warm-up copy");
                double[] seconds = new double[reps];
                float[] ms = new float[1];
                for (int i = 0; i < reps; i++) {
                    Cuda.check(cuEventRecord(start, null), "cuEventRecord");
                    Cuda.check(cuMemcpyDtoD(dst.pointer(), src.pointer(), bytes), "cuMemcpyDtoD");
                    Cuda.check(cuEventRecord(stop, null), "cuEventRecord");
                    Cuda.check(cuEventSynchronize(stop), "cuEventSynchronize");
                    Cuda.check(cuEventElapsedTime(ms, start, stop), "cuEventElapsedTime");
                    seconds[i] = ms[0] / 1e3;
                }
                Arrays.sort(seconds);
                return 2.0 * bytes / seconds[reps / 2];
            } finally {
                cuEventDestroy(start);
                cuEventDestroy(stop);
            }
        }
    }
}
