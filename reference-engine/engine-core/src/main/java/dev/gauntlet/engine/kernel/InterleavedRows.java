package dev.gauntlet.engine.kernel;

import java.lang.foreign.MemorySegment;

/**
 * A Q8_0 or Q4_0 matrix's rows in {@link BlockInterleave}'s layout, on the Java heap: byte arrays
 * of whole rows, {@link #rowsPerChunk()} rows each (a power of two), so that a matrix may pass
 * an array's 2 GiB limit.
 *
 * <p><b>Why the heap.</b> The kernels index arrays with {@code int} offsets, which the JIT
 * compiles to plainer loops than long offsets into a segment. Measured single-threaded on an
 * 8192×2048 matrix: the one-input Q4_0 kernel with its low and high nibbles in two sums ran
 * 1.08–1.15× as fast from arrays as the former one-sum kernel from an off-heap segment, whereas a
 * four-sum kernel read through a segment ran at 0.54×. Multi-chunk blocks of rows are split by
 * the caller, so that a kernel always reads one array.
 */
public final class InterleavedRows {
    /** The largest chunk: arrays may not quite reach {@code Integer.MAX_VALUE} elements. */
    static final long MAX_CHUNK_BYTES = Integer.MAX_VALUE - 64;

    private final byte[][] chunks;
    private final int rowBytes;
    private final int chunkShift;
    private final int rowMask;

    /**
     * Room for {@code rows} zeroed rows of {@code rowBytes} bytes, in chunks of at most
     * {@code maxChunkBytes}.
     */
    InterleavedRows(int rows, long rowBytes, long maxChunkBytes) {
        if (rowBytes > maxChunkBytes) {
            throw new IllegalArgumentException("an interleaved row of " + rowBytes + " bytes does not fit one array");
        }
        this.rowBytes = (int) rowBytes;
        int shift = 0;
        while (shift < 30 && (2L << shift) * rowBytes <= maxChunkBytes && (1 << shift) < rows) {
            shift++;
        }
        this.chunkShift = shift;
        this.rowMask = (1 << shift) - 1;
        int perChunk = 1 << shift;
        int count = (int) (((long) rows + perChunk - 1) >> shift);
        this.chunks = new byte[count][];
        for (int c = 0; c < count; c++) {
            chunks[c] = new byte[Math.min(perChunk, rows - c * perChunk) * this.rowBytes];
        }
    }

    /**
     * The {@code rows} GGUF rows of {@code blocks} Q8_0 ({@code q4 == false}) or Q4_0 blocks at
     * {@code rowBytes}-byte strides from byte 0 of {@code gguf}, interleaved (rows spread over
     * the worker threads).
     */
    public static InterleavedRows pack(MemorySegment gguf, long ggufRowBytes, int rows, int blocks, boolean q4) {
        InterleavedRows packed = new InterleavedRows(rows, BlockInterleave.rowBytes(blocks, q4), MAX_CHUNK_BYTES);
        Parallel.forRange(rows, 64, (start, end) -> {
            for (int r = start; r < end; r++) {
                BlockInterleave.packRow(gguf, r * ggufRowBytes, blocks, q4, packed.chunk(r), packed.offset(r));
            }
        });
        return packed;
    }

    /** The array holding row {@code r}. */
    public byte[] chunk(int r) {
        return chunks[r >>> chunkShift];
    }

    /** Where row {@code r} starts in its {@link #chunk}. */
    public int offset(int r) {
        return (r & rowMask) * rowBytes;
    }

    /** Rows per chunk, a power of two (the last chunk may hold fewer). */
    public int rowsPerChunk() {
        return rowMask + 1;
    }

    /** Bytes of one row. */
    public int rowBytes() {
        return rowBytes;
    }
}
