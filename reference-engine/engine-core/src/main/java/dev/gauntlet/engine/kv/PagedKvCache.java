package dev.gauntlet.engine.kv;

import java.util.ArrayList;
import java.util.List;

/**
 * Paged key/value cache: per layer, one float array of {@code blocks × blockSize × kvDim} keys
 * and one of values. A sequence's position {@code p} lives in slot
 * {@code table.block(p / blockSize) * blockSize + p % blockSize}.
 *
 * <p>Sized from a memory budget; running out is reported by {@link #ensureCapacity} returning
 * false, never by an exception, so the scheduler can preempt or reject.
 */
public final class PagedKvCache {
    private final int layers;
    private final int kvDim;
    private final int blockSize;
    private final float[][] keys;
    private final float[][] values;
    private final BlockAllocator allocator;
    private final List<Integer> heldBack = new ArrayList<>();

    public PagedKvCache(int layers, int kvDim, int blockSize, int blocks) {
        if (blockSize <= 0) {
            throw new IllegalArgumentException("KV block size must be positive, got " + blockSize);
        }
        long floats = (long) blocks * blockSize * kvDim;
        if (floats > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("KV cache of " + blocks + " blocks is too large for one layer array");
        }
        this.layers = layers;
        this.kvDim = kvDim;
        this.blockSize = blockSize;
        this.allocator = new BlockAllocator(blocks);
        this.keys = new float[layers][(int) floats];
        this.values = new float[layers][(int) floats];
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
        long perBlock = bytesPerBlock(layers, kvDim, blockSize);
        long blocks = Math.min(budgetBytes / perBlock, (Integer.MAX_VALUE - 16L) / ((long) blockSize * kvDim));
        if (blocks < 1) {
            throw new IllegalArgumentException("--kv-cache-bytes " + budgetBytes + " is smaller than one KV block ("
                    + perBlock + " bytes)");
        }
        return new PagedKvCache(layers, kvDim, blockSize, (int) blocks);
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

    /** Layer {@code l}'s key storage. */
    public float[] keys(int layer) {
        return keys[layer];
    }

    /** Layer {@code l}'s value storage. */
    public float[] values(int layer) {
        return values[layer];
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
