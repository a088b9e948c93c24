package dev.gauntlet.engine.cuda.driver;

/**
 * A device's memory as the driver reports it.
 *
 * @param freeBytes  not allocated by anyone now
 * @param totalBytes the device's whole memory
 */
public record MemoryInfo(long freeBytes, long totalBytes) {

    /** Bytes allocated by this and every other process. */
    public long usedBytes() {
        return totalBytes - freeBytes;
    }
}
