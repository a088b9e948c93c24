package dev.gauntlet.engine.cuda.backend;

import dev.gauntlet.engine.backend.KvSizing;
import dev.gauntlet.engine.backend.PlacedModel;
import dev.gauntlet.engine.cuda.driver.CudaDevice;
import dev.gauntlet.engine.cuda.model.CudaForwardModel;
import dev.gauntlet.engine.kv.PagedKvCache;
import dev.gauntlet.engine.model.ForwardModel;
import java.util.ArrayList;
import java.util.List;

/**
 * A model whose weights and KV caches live on CUDA devices (one, or one per tensor-parallel
 * rank); closing it frees them and releases the devices.
 */
final class CudaPlacedModel implements PlacedModel {
    private final List<CudaDevice> devices;
    private final CudaForwardModel model;
    private final List<PagedKvCache> caches = new ArrayList<>();
    private boolean closed;

    CudaPlacedModel(List<CudaDevice> devices, CudaForwardModel model) {
        this.devices = devices;
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
        return model.weightDeviceBytes();
    }

    /**
     * Sized by {@link KvSizing#gpuMemoryUtilization()} on every device; the CPU byte budget does
     * not apply.
     */
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
        caches.forEach(PagedKvCache::close);
        caches.clear();
        model.close();
        devices.forEach(CudaDevice::close);
    }
}
