package dev.gauntlet.engine.cuda.kv;

import dev.gauntlet.engine.cuda.driver.MemoryInfo;

/**
 * The KV cache's share of device memory, as vLLM's {@code --gpu-memory-utilization} sizes it:
 * the cache gets what is left of {@code utilization × total} once everything already allocated
 * (the weights, the step buffers, other processes) is counted.
 */
public final class KvMemoryBudget {
    private KvMemoryBudget() {
    }

    /**
     * Bytes the KV cache may take.
     *
     * @param utilization share of the device's total memory this process may fill, in (0, 1]
     * @throws IllegalArgumentException for a share out of range, or when the memory already in use
     *     leaves nothing for the cache under that share (the message says how much is in use)
     */
    public static long bytes(MemoryInfo memory, double utilization) {
        if (!(utilization > 0 && utilization <= 1)) {
            throw new IllegalArgumentException("--gpu-memory-utilization must be in (0, 1], got " + utilization);
        }
        long allowed = (long) (utilization * memory.totalBytes());
        long budget = allowed - memory.usedBytes(); // never above the free memory, as utilization <= 1
        if (budget <= 0) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "--gpu-memory-utilization %.2f allows %d bytes, but %d are already in use: no room for a KV cache",
                    utilization, allowed, memory.usedBytes()));
        }
        return budget;
    }
}
