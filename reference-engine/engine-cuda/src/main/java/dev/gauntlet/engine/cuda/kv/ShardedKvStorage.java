package dev.gauntlet.engine.cuda.kv;

import dev.gauntlet.engine.cuda.driver.CudaDevice;
import dev.gauntlet.engine.kv.KvStorage;
import java.util.ArrayList;
import java.util.List;

/**
 * A paged KV cache split over tensor-parallel ranks: rank r's device holds its KV heads' keys
 * and values of every slot ({@link DeviceKvStorage} of the rank's width). The block tables are
 * the cache's and so the same on every rank; only the width of a slot differs from the unsplit one.
 */
public final class ShardedKvStorage implements KvStorage {
    private final List<DeviceKvStorage> shards;

    private ShardedKvStorage(List<DeviceKvStorage> shards) {
        this.shards = shards;
    }

    /**
     * Allocates each rank's storage: {@code layers} layers of {@code elementsPerLayer} floats on
     * each of {@code devices}.
     *
     * @throws dev.gauntlet.engine.cuda.driver.DeviceMemoryException when a device has too little
     *     memory (nothing stays allocated)
     */
    public static ShardedKvStorage allocate(List<CudaDevice> devices, int layers, int elementsPerLayer) {
        List<DeviceKvStorage> shards = new ArrayList<>();
        try {
            for (CudaDevice d : devices) {
                shards.add(new DeviceKvStorage(d, layers, elementsPerLayer));
            }
        } catch (RuntimeException e) {
            shards.forEach(DeviceKvStorage::close);
            throw e;
        }
        return new ShardedKvStorage(shards);
    }

    /** Rank {@code rank}'s keys and values. */
    public DeviceKvStorage shard(int rank) {
        return shards.get(rank);
    }

    @Override
    public void close() {
        shards.forEach(DeviceKvStorage::close);
    }
}
