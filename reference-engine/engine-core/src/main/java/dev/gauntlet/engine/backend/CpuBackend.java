package dev.gauntlet.engine.backend;

import dev.gauntlet.engine.kv.PagedKvCache;
import dev.gauntlet.engine.model.ForwardModel;
import dev.gauntlet.engine.model.LoadedModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The reference engine's own forward pass on the CPU: the loaded model runs as it is, its
 * matrices prepared for the CPU kernels when it is placed rather than on the first request.
 */
final class CpuBackend implements ComputeBackend {
    static final String NAME = "cpu";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<String> unavailableReason() {
        return Optional.empty();
    }

    /** @throws IllegalArgumentException for any {@code tensorParallel} but 1: the CPU is one device */
    @Override
    public PlacedModel place(LoadedModel loaded, int tensorParallel) {
        if (tensorParallel != 1) {
            throw new IllegalArgumentException("--tp " + tensorParallel + " needs a GPU backend (--backend cuda):"
                    + " the CPU backend runs on one device");
        }
        loaded.model().weights().prepareMatmuls();
        return new OnCpu(loaded);
    }

    /** The loaded model itself; its heap caches are closed with it like any others. */
    private static final class OnCpu implements PlacedModel {
        private final LoadedModel loaded;
        private final List<PagedKvCache> caches = new ArrayList<>();

        OnCpu(LoadedModel loaded) {
            this.loaded = loaded;
        }

        @Override
        public String backend() {
            return NAME;
        }

        @Override
        public ForwardModel model() {
            return loaded.model();
        }

        @Override
        public long weightBytes() {
            return loaded.model().weights().totalBytes();
        }

        @Override
        public synchronized PagedKvCache newKvCache(KvSizing sizing, int blockSize, int maxTokensPerStep) {
            PagedKvCache cache = loaded.model().newKvCache(sizing.cpuBytes(), blockSize);
            caches.add(cache);
            return cache;
        }

        @Override
        public synchronized void close() {
            caches.forEach(PagedKvCache::close);
            caches.clear();
        }
    }
}
