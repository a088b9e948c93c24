package dev.gauntlet.engine.cuda.kernels;

import dev.gauntlet.engine.cuda.driver.Cuda;
import dev.gauntlet.engine.cuda.driver.KernelLauncher;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
     * {@link Long} or {@link Float}, matching the kernel's parameters in order. A programmatic
     * dependent launch where the driver allows it ({@link KernelLauncher}): the kernel must wait
     * for the kernel before it with {@code griddepcontrol.wait}, as every kernel of the library does.
     */
    public void launch(CUstream stream, int gridX, int gridY, int threads, int sharedBytes, Object... args) {
        try (Arena arena = Arena.ofConfined()) {
            // The driver copies the values at the call (or into the captured graph node).
            MemorySegment params = arena.allocate(ValueLayout.ADDRESS, Math.max(1, args.length));
            for (int i = 0; i < args.length; i++) {
                MemorySegment value = switch (args[i]) {
                    case null -> arena.allocateFrom(ValueLayout.JAVA_LONG, 0);
                    case CUdeviceptr p -> arena.allocateFrom(ValueLayout.JAVA_LONG, KernelLauncher.address(p));
                    case Integer v -> arena.allocateFrom(ValueLayout.JAVA_INT, v);
                    case Long v -> arena.allocateFrom(ValueLayout.JAVA_LONG, v);
                    case Float v -> arena.allocateFrom(ValueLayout.JAVA_FLOAT, v);
                    default -> throw new IllegalArgumentException("kernel " + name + ": unsupported argument " + args[i]);
                };
                params.setAtIndex(ValueLayout.ADDRESS, i, value);
            }
            Cuda.check(KernelLauncher.launch(function, gridX, gridY, threads, sharedBytes, stream, params),
                    "launch of kernel " + name);
        }
    }
}
