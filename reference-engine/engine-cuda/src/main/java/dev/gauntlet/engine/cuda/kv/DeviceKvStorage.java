package dev.gauntlet.engine.cuda.kv;

import dev.gauntlet.engine.cuda.driver.CudaDevice;
import dev.gauntlet.engine.cuda.driver.DeviceBuffer;
import dev.gauntlet.engine.kv.KvStorage;
import jcuda.driver.CUdeviceptr;

/**
 * A paged KV cache's keys and values in device memory: float32, per layer {@code elementsPerLayer}
 * keys then as many values, in the layout of {@link dev.gauntlet.engine.kv.PagedKvCache}.
 */
public final class DeviceKvStorage implements KvStorage {
    private final CudaDevice device;
    private final DeviceBuffer keys;
    private final DeviceBuffer values;
    private final long layerBytes;

    /**
     * Allocates storage for {@code layers} layers of {@code elementsPerLayer} floats.
     *
     * @throws dev.gauntlet.engine.cuda.driver.DeviceMemoryException when the device has too little memory
     */
    public DeviceKvStorage(CudaDevice device, int layers, int elementsPerLayer) {
        this.device = device;
        this.layerBytes = (long) elementsPerLayer * Float.BYTES;
        this.keys = device.allocate(layers * layerBytes, "the KV cache's keys");
        try {
            this.values = device.allocate(layers * layerBytes, "the KV cache's values");
        } catch (RuntimeException e) {
            keys.close();
            throw e;
        }
    }

    /** Layer {@code layer}'s keys. */
    public CUdeviceptr keys(int layer) {
        return keys.at(layer * layerBytes);
    }

    /** Layer {@code layer}'s values. */
    public CUdeviceptr values(int layer) {
        return values.at(layer * layerBytes);
    }

    @Override
    public void close() {
        device.makeCurrent();
        keys.close();
        values.close();
    }
}
