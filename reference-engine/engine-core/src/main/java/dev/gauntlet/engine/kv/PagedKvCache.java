package dev.gauntlet.engine.kv;

import java.util.ArrayList;
import java.util.List;

/**
 * Paged key/value cache: per layer, {@code blocks × blockSize × kvDim} float keys and as many
 * values. A sequence's position {@code p} lives in slot
 * {@code table.block(p / blockSize) * blockSize + p % blockSize}.
 *
 * <p>This class does the block bookkeeping; the data lives in a {@link KvStorage}, on the heap
 * for the CPU model or in device memory for a GPU backend, so the scheduler drives both alike.
 *
 * <p>Sized from a memory budget; running out is reported by {@link #ensureCapacity} returning
 * false, never by an exception, so the scheduler can preempt or reject.
 */
public final class PagedKvCache implements AutoCloseable {
    private final int layers;
    private final int kvDim;
    private final int blockSize;
    private final KvStorage storage;
    private final BlockAllocator allocator;
    private final List<Integer> heldBack = new ArrayList<>();

    /** A cache of {@code blocks} blocks held in heap arrays. */
    public PagedKvCache(int layers, int kvDim, int blockSize, int blocks) {
        this(layers, kvDim, blockSize, blocks, new HostKvStorage(layers, elementsPerLayer(blocks, blockSize, kvDim)));
    }

    /**
     * A cache of {@code blocks} blocks whose data lives in {@code storage}, which must hold
     * {@link #elementsPerLayer} floats of keys and of values per layer.
     */
    public PagedKvCache(int layers, int kvDim, int blockSize, int blocks, KvStorage storage) {
        elementsPerLayer(blocks, blockSize, kvDim);
        this.layers = layers;
        this.kvDim = kvDim;
        this.blockSize = blockSize;
        this.allocator = new BlockAllocator(blocks);
        this.storage = storage;
    }

    /**
     * Floats of keys (and of values) one layer holds for {@code blocks} blocks: {@code blocks ×
     * blockSize × kvDim}, which must fit an int so that every slot offset does.
     */
    public static int elementsPerLayer(int blocks, int blockSize, int kvDim) {
        if (blockSize <= 0) {
            throw new IllegalArgumentException("KV block size must be positive, got " + blockSize);
        }
        long floats = (long) blocks * blockSize * kvDim;
        if (floats > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("KV cache of " + blocks + " blocks is too large for one layer array");
        }
        return (int) floats;
    }

    /** Bytes one block takes across all layers (keys and values). */
    public static long bytesPerBlock(int layers, int kvDim, int blockSize) {
        return 2L * layers * blockSize * kvDim * Float.BYTES;
    }

    /**
     * A cache holding as many blocks as fit in {@code budgetBytes}.
     *
     * @throws IllegalArgumentException naming the budget if not even one block fits
     */
    public static PagedKvCache forBudget(long budgetBytes, int layers, int kvDim, int blockSize) {
        return new PagedKvCache(layers, kvDim, blockSize, blocksForBudget(budgetBytes, layers, kvDim, blockSize));
    }

    /**
     * How many blocks fit in {@code budgetBytes}, capped so that a layer's slots fit an int.
     *
     * @throws IllegalArgumentException naming the budget if not even one block fits
     */
    public static int blocksForBudget(long budgetBytes, int layers, int kvDim, int blockSize) {
        long perBlock = bytesPerBlock(layers, kvDim, blockSize);
        long blocks = Math.min(budgetBytes / perBlock, (Integer.MAX_VALUE - 16L) / ((long) blockSize * kvDim));
        if (blocks < 1) {
            throw new IllegalArgumentException("--kv-cache-bytes " + budgetBytes + " is smaller than one KV block ("
                    + perBlock + " bytes)");
        }
        return (int) blocks;
    }

    /**
     * Grows {@code table} to hold {@code tokens} positions. All or nothing: when the free list
     * cannot cover it, nothing is allocated and false is returned.
     */
    public boolean ensureCapacity(BlockTable table, int tokens) {
        int needed = blocksFor(tokens) - table.size();
        if (needed <= 0) {
            return true;
        }
        if (needed > allocator.freeBlocks()) {
            return false;
        }
        for (int i = 0; i < needed; i++) {
            table.add(allocator.allocate());
        }
        return true;
    }

    /** Frees every block of a sequence. */
    public void release(BlockTable table) {
        while (table.size() > 0) {
            allocator.free(table.removeLast());
        }
    }

    /** Blocks needed to hold {@code tokens} positions. */
    public int blocksFor(int tokens) {
        return (tokens + blockSize - 1) / blockSize;
    }

    /** Index of position {@code pos}'s first element in a layer's key or value array. */
    public int offset(BlockTable table, int pos) {
        return (table.block(pos / blockSize) * blockSize + pos % blockSize) * kvDim;
    }

    /** Layer {@code l}'s keys, for a cache held on the heap. */
    public float[] keys(int layer) {
        return storage(HostKvStorage.class).keys(layer);
    }

    /** Layer {@code l}'s values, for a cache held on the heap. */
    public float[] values(int layer) {
        return storage(HostKvStorage.class).values(layer);
    }

    /**
     * The storage, as the type the calling backend needs.
     *
     * @throws IllegalArgumentException when the cache was made by another backend's model
     */
    public <S extends KvStorage> S storage(Class<S> type) {
        if (!type.isInstance(storage)) {
            throw new IllegalArgumentException("this KV cache lives in " + storage.getClass().getSimpleName()
                    + ", not " + type.getSimpleName() + ": make it with the running model's newKvCache");
        }
        return type.cast(storage);
    }

    /** Frees the storage (device memory for a GPU backend). */
    @Override
    public void close() {
        storage.close();
    }

    public int layers() {
        return layers;
    }

    public int kvDim() {
        return kvDim;
    }

    public int blockSize() {
        return blockSize;
    }

    public int totalBlocks() {
        return allocator.totalBlocks();
    }

    public int freeBlocks() {
        return allocator.freeBlocks();
    }

    public int usedBlocks() {
        return allocator.usedBlocks();
    }

    /** Share of blocks in use, 0..1. */
    public double usageRatio() {
        return (double) allocator.usedBlocks() / allocator.totalBlocks();
    }

    /**
     * Holds back a share (0..1) of all blocks from sequences, to simulate memory pressure; 0
     * gives them back. Returns the number of blocks held.
     */
    public int holdBack(double share) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("KV hold-back share must be in [0, 1], got " + share);
        }
        return allocator.holdBack((int) Math.round(share * allocator.totalBlocks()), heldBack);
    }

    /** Blocks held back by {@link #holdBack}. */
    public int heldBackBlocks() {
        return allocator.heldBack();
    }
}
