package dev.gauntlet.engine.cuda.backend;

import dev.gauntlet.engine.backend.KvSizing;
import dev.gauntlet.engine.backend.PlacedModel;
import dev.gauntlet.engine.cuda.driver.CudaDevice;
import dev.gauntlet.engine.cuda.model.CudaForwardModel;
import dev.gauntlet.engine.kv.PagedKvCache;
import dev.gauntlet.engine.model.ForwardModel;
import java.util.ArrayList;
import java.util.List;

/** A model whose weights and KV caches live on one CUDA device; closing it frees them and releases the device. */
final class CudaPlacedModel implements PlacedModel {
    private final CudaDevice device;
    private final CudaForwardModel model;
    private final List<PagedKvCache> caches = new ArrayList<>();
    private boolean closed;

    CudaPlacedModel(CudaDevice device, CudaForwardModel model) {
        this.device = device;
        this.model = model;
    }

    @Override
    public String backend() {
        return CudaBackend.NAME;
    }

    @Override
    public ForwardModel model() {
        return model;
    }

    @Override
    public long weightBytes() {
        return model.weights().deviceBytes();
    }

    /** Sized by {@link KvSizing#gpuMemoryUtilization()}; the CPU byte budget does not apply. */
    @Override
    public synchronized PagedKvCache newKvCache(KvSizing sizing, int blockSize, int maxTokensPerStep) {
        long bytes = model.kvCacheBytes(sizing.gpuMemoryUtilization(), maxTokensPerStep);
        PagedKvCache cache = model.newKvCache(bytes, blockSize);
        caches.add(cache);
        return cache;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        device.makeCurrent();
        caches.forEach(PagedKvCache::close);
        caches.clear();
        model.close();
        device.close();
    }
}
