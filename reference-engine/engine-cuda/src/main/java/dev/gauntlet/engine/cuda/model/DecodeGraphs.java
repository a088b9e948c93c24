package dev.gauntlet.engine.cuda.model;

import dev.gauntlet.engine.cuda.driver.CudaGraph;
import dev.gauntlet.engine.cuda.driver.CudaStream;
import dev.gauntlet.engine.cuda.kv.DeviceKvStorage;
import java.util.HashMap;
import java.util.Map;

/**
 * Captured decode steps, one per batch size, valid for one KV storage and one generation of the
 * step buffers (the addresses they captured): a step with another cache, or after the buffers
 * were reallocated, recaptures.
 */
final class DecodeGraphs implements AutoCloseable {
    private final CudaStream stream;
    private final Map<Integer, CudaGraph> byBatch = new HashMap<>();
    private DeviceKvStorage storage;
    private int generation = -1;

    DecodeGraphs(CudaStream stream) {
        this.stream = stream;
    }

    /** The graph of a decode step of {@code batch} tokens, captured from {@code launches} when missing or stale. */
    CudaGraph get(int batch, DeviceKvStorage kv, int bufferGeneration, Runnable launches) {
        if (kv != storage || bufferGeneration != generation) {
            close();
            storage = kv;
            generation = bufferGeneration;
        }
        return byBatch.computeIfAbsent(batch, b -> CudaGraph.capture(stream, launches));
    }

    /** Destroys every graph. */
    @Override
    public void close() {
        byBatch.values().forEach(CudaGraph::close);
        byBatch.clear();
    }
}
