package dev.gauntlet.engine.gguf;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A tensor as stored in a GGUF file.
 *
 * @param name  the tensor name, e.g. {@code blk.0.attn_q.weight}
 * @param type  the element type
 * @param dims  sizes in GGUF {@code ne} order: {@code dims[0]} is the contiguous (column) axis
 * @param data  the tensor's bytes (a slice of the mapped file, or of memory the writer owns)
 */
public record GgufTensor(String name, GgmlType type, long[] dims, MemorySegment data) {

    /** Total number of elements. */
    public long elements() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    /** Columns: the contiguous axis. */
    public int cols() {
        return Math.toIntExact(dims[0]);
    }

    /** Rows: the product of every axis but the first. */
    public int rows() {
        return Math.toIntExact(elements() / dims[0]);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(dims);
    }
}
