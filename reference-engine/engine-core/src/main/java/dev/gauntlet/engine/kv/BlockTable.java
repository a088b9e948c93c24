package dev.gauntlet.engine.kv;

import java.util.Arrays;

/** The KV-cache blocks of one sequence, in position order. */
public final class BlockTable {
    private int[] blocks = new int[4];
    private int count;

    /** Number of blocks held. */
    public int size() {
        return count;
    }

    /** The physical block holding logical block {@code i}. */
    public int block(int i) {
        if (i >= count) {
            throw new IndexOutOfBoundsException("logical block " + i + " of " + count);
        }
        return blocks[i];
    }

    void add(int block) {
        if (count == blocks.length) {
            blocks = Arrays.copyOf(blocks, count * 2);
        }
        blocks[count++] = block;
    }

    int removeLast() {
        return blocks[--count];
    }
}
