package dev.gauntlet.engine.cuda.kernels;

import static jcuda.driver.JCudaDriver.cuFuncSetAttribute;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;

import dev.gauntlet.engine.cuda.driver.Cuda;
import dev.gauntlet.engine.cuda.driver.CudaDevice;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;

/**
 * Every module of {@link Ptx} loaded into a device's context (the driver compiles the PTX for the
 * device once, here), with their kernels by name. Modules stay loaded while the context lives.
 *
 * <p>Every kernel is looked up here, up front. Under the driver's lazy loading (the default since
 * CUDA 12.2) a kernel is loaded into the context when first looked up, and a load may wait for
 * the kernels running in the context: were it to happen in the middle of a step, while a
 * tensor-parallel rank's barrier spins for a rank whose launches are still to come, the two
 * would wait on each other for ever.
 */
public final class KernelLibrary {
    private final Map<String, Kernel> kernels = new HashMap<>();
    private final Map<String, CUmodule> modules = new HashMap<>();

    /** A kernel's entry in PTX: {@code .entry name(}. */
    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(");

    /** Loads every module and every kernel into {@code device}'s context. */
    public KernelLibrary(CudaDevice device) {
        device.makeCurrent();
        for (String m : Ptx.MODULES) {
            CUmodule module = new CUmodule();
            byte[] ptx = Ptx.load(m);
            Cuda.check(cuModuleLoadData(module, ptx), "cuModuleLoadData of " + m + ".ptx");
            modules.put(m, module);
            Matcher entries = ENTRY.matcher(new String(ptx, StandardCharsets.UTF_8));
            while (entries.find()) {
                kernel(entries.group(1));
            }
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
