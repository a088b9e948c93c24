package dev.gauntlet.engine.cuda.kernels;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import dev.gauntlet.engine.cuda.driver.Cuda;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;

/** One kernel of a loaded module. */
public final class Kernel {
    private final String name;
    private final CUfunction function;

    Kernel(String name, CUfunction function) {
        this.name = name;
        this.function = function;
    }

    /** The kernel's entry name in the PTX. */
    public String name() {
        return name;
    }

    CUfunction function() {
        return function;
    }

    /**
     * Queues the kernel on {@code stream} (null: the legacy default stream) over a
     * {@code gridX × gridY} grid of {@code threads}-thread blocks.
     * Arguments are {@link CUdeviceptr} (a null one is passed as a null pointer), {@link Integer},
     * {@link Long} or {@link Float}, matching the kernel's parameters in order.
     */
    public void launch(CUstream stream, int gridX, int gridY, int threads, int sharedBytes, Object... args) {
        NativePointerObject[] params = new NativePointerObject[args.length];
        for (int i = 0; i < args.length; i++) {
            params[i] = switch (args[i]) {
                case null -> Pointer.to(new CUdeviceptr());
                case CUdeviceptr p -> Pointer.to(p);
                case Integer v -> Pointer.to(new int[] {v});
                case Long v -> Pointer.to(new long[] {v});
                case Float v -> Pointer.to(new float[] {v});
                default -> throw new IllegalArgumentException("kernel " + name + ": unsupported argument " + args[i]);
            };
        }
        Cuda.check(cuLaunchKernel(function, gridX, gridY, 1, threads, 1, 1, sharedBytes, stream, Pointer.to(params), null),
                "launch of kernel " + name);
    }
}
