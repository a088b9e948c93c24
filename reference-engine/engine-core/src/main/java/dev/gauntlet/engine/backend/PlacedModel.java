package dev.gauntlet.engine.backend;

import dev.gauntlet.engine.kv.PagedKvCache;
import dev.gauntlet.engine.model.ForwardModel;

/**
 * A model's forward pass on one backend, with the memory it holds there: the weights and every KV
 * cache made through {@link #newKvCache}. Closing it frees all of that (device memory, on a GPU).
 */
public interface PlacedModel extends AutoCloseable {

    /** The backend's name, as {@link ComputeBackend#name()}. */
    String backend();

    /** The forward pass the scheduler drives. */
    ForwardModel model();

    /** Bytes the weights take where the forward pass reads them. */
    long weightBytes();

    /**
     * A KV cache sized by {@code sizing} as this backend reads it (a byte budget on the CPU, a share
     * of device memory on a GPU), owned by this model and closed with it.
     *
     * @param maxTokensPerStep the largest step the engine will run: a GPU backend sets aside its
     *     buffers before the cache takes the rest, so that no step later needs memory the cache took
     * @throws IllegalArgumentException when the sizing leaves no room for a cache (the message says why)
     */
    PagedKvCache newKvCache(KvSizing sizing, int blockSize, int maxTokensPerStep);

    /** Frees the KV caches and the weights this placement holds. Idempotent. */
    @Override
    void close();
}
