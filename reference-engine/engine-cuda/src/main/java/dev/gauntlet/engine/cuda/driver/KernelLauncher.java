package dev.gauntlet.engine.cuda.driver;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Optional;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;

/**
 * Kernel launches through the driver's C API, called with the FFM API rather than through JCuda,
 * whose 12.6 release has no {@code cuLaunchKernelEx}. Where the driver has it, every launch is
 * a <em>programmatic dependent launch</em> ({@code CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION}):
 * the kernel may start while the kernel before it on the stream still runs, once that one's
 * blocks have all run {@code griddepcontrol.launch_dependents}. Every kernel of the library
 * therefore runs {@code griddepcontrol.wait}, which returns once the kernel before it has
 * finished and its writes are visible, before it reads or writes anything that kernel may touch.
 * A decode step's 227 kernels (8b shape) then overlap each one's launch, and a matrix product's
 * first weight loads, with the tail of the kernel before it. Stream capture keeps these as programmatic
 * edges of the graph (CUDA 12.3 and later). Launches on the legacy default stream (weight
 * set-up), and all launches where the driver lacks {@code cuLaunchKernelEx} (before CUDA 11.8),
 * go through {@code cuLaunchKernel}: ordinary launches, whose waits return at once.
 */
public final class KernelLauncher {
    /** {@code CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION} in cuda.h. */
    private static final int PROGRAMMATIC_STREAM_SERIALIZATION = 6;

    /** cuda.h's {@code CUlaunchAttribute}: a 4-byte id, padding to 8, a 64-byte value union. */
    private static final StructLayout ATTRIBUTE = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("id"), MemoryLayout.paddingLayout(4),
            MemoryLayout.sequenceLayout(64, ValueLayout.JAVA_BYTE).withName("value"));

    /** cuda.h's {@code CUlaunchConfig}. */
    private static final StructLayout CONFIG = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("gridDimX"), ValueLayout.JAVA_INT.withName("gridDimY"),
            ValueLayout.JAVA_INT.withName("gridDimZ"), ValueLayout.JAVA_INT.withName("blockDimX"),
            ValueLayout.JAVA_INT.withName("blockDimY"), ValueLayout.JAVA_INT.withName("blockDimZ"),
            ValueLayout.JAVA_INT.withName("sharedMemBytes"), MemoryLayout.paddingLayout(4),
            ValueLayout.ADDRESS.withName("hStream"), ValueLayout.ADDRESS.withName("attrs"),
            ValueLayout.JAVA_INT.withName("numAttrs"), MemoryLayout.paddingLayout(4));

    private static final MethodHandle NATIVE_POINTER;
    private static final MethodHandle BYTE_OFFSET;
    /** {@code CUresult cuLaunchKernel(CUfunction, 3 × grid, 3 × block, shared, CUstream, void**, void**)}. */
    private static final MethodHandle LAUNCH_KERNEL;
    /** {@code CUresult cuLaunchKernelEx(const CUlaunchConfig*, CUfunction, void**, void**)}, when the driver has it. */
    private static final MethodHandle LAUNCH_KERNEL_EX;

    static {
        try {
            // JCuda keeps a handle's address in a protected accessor; JCuda and this module share
            // the class path's unnamed module, which opens its packages to reflection.
            MethodHandles.Lookup jcuda = MethodHandles.privateLookupIn(NativePointerObject.class, MethodHandles.lookup());
            NATIVE_POINTER = jcuda.findVirtual(NativePointerObject.class, "getNativePointer", MethodType.methodType(long.class));
            BYTE_OFFSET = jcuda.findVirtual(Pointer.class, "getByteOffset", MethodType.methodType(long.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        Linker linker = Linker.nativeLinker();
        // The library JCuda's natives loaded, so the same driver state (contexts, streams).
        SymbolLookup cuda = SymbolLookup.libraryLookup("libcuda.so.1", Arena.global());
        LAUNCH_KERNEL = linker.downcallHandle(cuda.findOrThrow("cuLaunchKernel"), FunctionDescriptor.of(
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        Optional<MemorySegment> ex = cuda.find("cuLaunchKernelEx");
        LAUNCH_KERNEL_EX = ex.map(s -> linker.downcallHandle(s, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS))).orElse(null);
    }

    private KernelLauncher() {
    }

    /** Whether launches are programmatic dependent launches (the driver has {@code cuLaunchKernelEx}). */
    public static boolean dependentLaunches() {
        return LAUNCH_KERNEL_EX != null;
    }

    /** The device address {@code p} stands for (its handle plus its byte offset); 0 for null. */
    public static long address(CUdeviceptr p) {
        return p == null ? 0 : handle(p) + byteOffset(p);
    }

    /**
     * Queues {@code function} on {@code stream} (null: the legacy default stream) over a {@code
     * gridX × gridY} grid of {@code threads}-thread blocks with {@code sharedBytes} of dynamic
     * shared memory; {@code params} holds one pointer per kernel parameter, to its value.
     *
     * @return the driver's {@code CUresult}
     */
    public static int launch(CUfunction function, int gridX, int gridY, int threads, int sharedBytes, CUstream stream,
                             MemorySegment params) {
        MemorySegment f = MemorySegment.ofAddress(handle(function));
        MemorySegment s = MemorySegment.ofAddress(stream == null ? 0 : handle(stream));
        try {
            if (LAUNCH_KERNEL_EX == null || stream == null) {
                return (int) LAUNCH_KERNEL.invokeExact(f, gridX, gridY, 1, threads, 1, 1, sharedBytes, s, params,
                        MemorySegment.NULL);
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment attribute = arena.allocate(ATTRIBUTE);
                attribute.set(ValueLayout.JAVA_INT, 0, PROGRAMMATIC_STREAM_SERIALIZATION);
                attribute.set(ValueLayout.JAVA_INT, ATTRIBUTE.byteOffset(MemoryLayout.PathElement.groupElement("value")), 1);
                MemorySegment config = arena.allocate(CONFIG);
                int[] dims = {gridX, gridY, 1, threads, 1, 1, sharedBytes};
                for (int i = 0; i < dims.length; i++) {
                    config.setAtIndex(ValueLayout.JAVA_INT, i, dims[i]);
                }
                config.set(ValueLayout.ADDRESS, offset("hStream"), s);
                config.set(ValueLayout.ADDRESS, offset("attrs"), attribute);
                config.set(ValueLayout.JAVA_INT, offset("numAttrs"), 1);
                return (int) LAUNCH_KERNEL_EX.invokeExact(config, f, params, MemorySegment.NULL);
            }
        } catch (Throwable t) {
            throw new IllegalStateException("cuLaunchKernel call failed", t);
        }
    }

    private static long offset(String field) {
        return CONFIG.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    private static long handle(NativePointerObject o) {
        try {
            return (long) NATIVE_POINTER.invokeExact(o);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static long byteOffset(Pointer p) {
        try {
            return (long) BYTE_OFFSET.invokeExact(p);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
