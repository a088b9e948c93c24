package dev.gauntlet.engine.cuda.kernels;

import static jcuda.driver.JCudaDriver.cuFuncSetAttribute;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;

import dev.gauntlet.engine.cuda.driver.Cuda;
import dev.gauntlet.engine.cuda.driver.CudaDevice;
import java.util.HashMap;
import java.util.Map;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;

/**
 * Every module of {@link Ptx} loaded into a device's context (the driver compiles the PTX for the
 * device once, here), with their kernels by name. Modules stay loaded while the context lives.
 */
public final class KernelLibrary {
    private final Map<String, Kernel> kernels = new HashMap<>();
    private final Map<String, CUmodule> modules = new HashMap<>();

    /** Loads every module into {@code device}'s context. */
    public KernelLibrary(CudaDevice device) {
        device.makeCurrent();
        for (String m : Ptx.MODULES) {
            CUmodule module = new CUmodule();
            Cuda.check(cuModuleLoadData(module, Ptx.load(m)), "cuModuleLoadData of " + m + ".ptx");
            modules.put(m, module);
        }
    }

    /** The kernel named {@code name} (its {@code extern "C"} name), from whichever module has it. */
    public Kernel kernel(String name) {
        return kernels.computeIfAbsent(name, n -> {
            for (CUmodule module : modules.values()) {
                CUfunction f = new CUfunction();
                int result = cuModuleGetFunction(f, module, n);
                if (result == CUresult.CUDA_SUCCESS) {
                    return new Kernel(n, f);
                }
                if (result != CUresult.CUDA_ERROR_NOT_FOUND) {
                    Cuda.check(result, "cuModuleGetFunction " + n);
                }
            }
            throw new IllegalArgumentException("no kernel named " + n + " in " + Ptx.MODULES);
        });
    }

    /** Lets {@code kernel} use up to {@code bytes} of dynamic shared memory (above the default 48 KiB). */
    public void allowSharedMemory(Kernel kernel, int bytes) {
        Cuda.check(cuFuncSetAttribute(kernel.function(), CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                bytes), "allowing " + bytes + " bytes of shared memory to " + kernel.name());
    }
}
