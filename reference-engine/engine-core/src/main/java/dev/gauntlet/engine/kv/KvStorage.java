package dev.gauntlet.engine.kv;

/**
 * Where a {@link PagedKvCache}'s keys and values live: host arrays ({@link HostKvStorage}) or a
 * backend's device memory. The cache itself only does the block bookkeeping, so the scheduler
 * works the same whichever backend holds the data.
 *
 * <p>Storage is laid out per layer as {@code slots × kvDim} float keys and as many values, slot
 * {@code block * blockSize + pos % blockSize} holding position {@code pos} of a sequence.
 */
public interface KvStorage extends AutoCloseable {

    /** Frees the storage; the cache must not be used afterwards. Idempotent. */
    @Override
    void close();
}
