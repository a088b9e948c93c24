package dev.gauntlet.engine.kv;

import java.util.BitSet;

/**
 * A free list of fixed-size KV-cache blocks.
 *
 * <p>Not thread-safe: the engine thread owns it. Double frees are detected, so a bookkeeping bug
 * shows up as an exception instead of two sequences sharing a block.
 */
public final class BlockAllocator {
    private final int[] free;
    private final BitSet used;
    private int freeCount;
    private int reserved;

    /** An allocator over blocks {@code 0 .. totalBlocks-1}, all free. */
    public BlockAllocator(int totalBlocks) {
        if (totalBlocks <= 0) {
            throw new IllegalArgumentException("a KV cache needs at least one block, got " + totalBlocks);
        }
        free = new int[totalBlocks];
        used = new BitSet(totalBlocks);
        for (int i = 0; i < totalBlocks; i++) {
            free[i] = totalBlocks - 1 - i; // hand out low ids first
        }
        freeCount = totalBlocks;
    }

    /** Takes one free block, or returns -1 when none is left. */
    public int allocate() {
        if (freeCount == 0) {
            return -1;
        }
        int b = free[--freeCount];
        used.set(b);
        return b;
    }

    /** Returns a block to the free list. */
    public void free(int block) {
        if (!used.get(block)) {
            throw new IllegalStateException("KV block " + block + " freed twice or never allocated");
        }
        used.clear(block);
        free[freeCount++] = block;
    }

    /** Blocks free now. */
    public int freeBlocks() {
        return freeCount;
    }

    /** All blocks, free or not. */
    public int totalBlocks() {
        return free.length;
    }

    /** Blocks in use (by sequences or held back by {@link #holdBack}). */
    public int usedBlocks() {
        return free.length - freeCount;
    }

    /** Blocks currently held back from sequences (memory-pressure fault injection). */
    public int heldBack() {
        return reserved;
    }

    /**
     * Holds back up to {@code blocks} free blocks so that sequences cannot use them (fault
     * injection: KV-cache pressure), or releases them when {@code blocks} is smaller than what is
     * held now. Returns the number actually held.
     */
    public int holdBack(int blocks, java.util.List<Integer> heldIds) {
        while (reserved > blocks && !heldIds.isEmpty()) {
            free(heldIds.removeLast());
            reserved--;
        }
        while (reserved < blocks) {
            int b = allocate();
            if (b < 0) {
                break;
            }
            heldIds.add(b);
            reserved++;
        }
        return reserved;
    }
}
