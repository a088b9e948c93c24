package dev.gauntlet.engine.backend;

import java.util.Locale;

/**
 * How large a KV cache to make: a byte budget on the CPU ({@code --kv-cache-bytes}), and on a GPU
 * the share of the device's memory the process may fill, as vLLM's {@code --gpu-memory-utilization}
 * (the cache gets what the weights, step buffers and other processes leave of it).
 *
 * @param cpuBytes             the CPU backend's budget in bytes
 * @param gpuMemoryUtilization a GPU backend's share of device memory, in (0, 1]
 */
public record KvSizing(long cpuBytes, double gpuMemoryUtilization) {
    /** vLLM's default share. */
    public static final double DEFAULT_GPU_MEMORY_UTILIZATION = 0.9;

    public KvSizing {
        if (cpuBytes <= 0) {
            throw new IllegalArgumentException("--kv-cache-bytes must be > 0, got " + cpuBytes);
        }
        if (!(gpuMemoryUtilization > 0 && gpuMemoryUtilization <= 1)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "--gpu-memory-utilization must be in (0, 1], got %s", gpuMemoryUtilization));
        }
    }

    /** {@code cpuBytes} on the CPU, the default share on a GPU. */
    public static KvSizing ofBytes(long cpuBytes) {
        return new KvSizing(cpuBytes, DEFAULT_GPU_MEMORY_UTILIZATION);
    }
}
