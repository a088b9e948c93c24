package dev.gauntlet.engine.kv;

/** KV storage in Java heap arrays: per layer one float array of keys and one of values. */
public final class HostKvStorage implements KvStorage {
    private final float[][] keys;
    private final float[][] values;

    /** Storage for {@code layers} layers of {@code elementsPerLayer} floats each, keys and values. */
    public HostKvStorage(int layers, int elementsPerLayer) {
        this.keys = new float[layers][elementsPerLayer];
        this.values = new float[layers][elementsPerLayer];
    }

    /** Layer {@code layer}'s keys. */
    public float[] keys(int layer) {
        return keys[layer];
    }

    /** Layer {@code layer}'s values. */
    public float[] values(int layer) {
        return values[layer];
    }

    /** Heap arrays are reclaimed by the garbage collector: nothing to free. */
    @Override
    public void close() {
    }
}
