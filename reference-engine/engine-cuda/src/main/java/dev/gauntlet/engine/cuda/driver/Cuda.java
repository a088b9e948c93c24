package dev.gauntlet.engine.cuda.driver;

import jcuda.driver.CUresult;

/** Result-code checks for JCuda driver calls (JCuda's own exceptions stay off: every call is checked here). */
public final class Cuda {
    private Cuda() {
    }

    /** Throws a {@link CudaException} naming {@code what} when {@code result} is not {@code CUDA_SUCCESS}. */
    public static void check(int result, String what) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new CudaException(what + " failed: " + CUresult.stringFor(result));
        }
    }

    /** {@code bytes} as GiB with two decimals, for messages. */
    public static String gib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }
}
