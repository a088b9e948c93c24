package dev.gauntlet.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InterleavedRowsTest {

    @Test
    void rowsSpreadOverChunksKeepTheirOwnBytes() {
        int rows = 37;
        int rowBytes = 288;
        // 1000 bytes hold three rows, so chunks take two (a power of two): 19 chunks, the last with one row.
        InterleavedRows packed = new InterleavedRows(rows, rowBytes, 1000);
        assertEquals(2, packed.rowsPerChunk());
        for (int r = 0; r < rows; r++) {
            byte[] chunk = packed.chunk(r);
            int at = packed.offset(r);
            assertTrue(at + rowBytes <= chunk.length, "row " + r + " inside its chunk");
            for (int i = 0; i < rowBytes; i++) {
                assertEquals(0, chunk[at + i], "row " + r + " starts zeroed");
                chunk[at + i] = (byte) (r + 1);
            }
        }
        for (int r = 0; r < rows; r++) {
            byte[] row = Arrays.copyOfRange(packed.chunk(r), packed.offset(r), packed.offset(r) + rowBytes);
            byte[] expected = new byte[rowBytes];
            Arrays.fill(expected, (byte) (r + 1));
            assertArrayEquals(expected, row, "row " + r);
        }
    }

    @Test
    void aSmallMatrixIsOneChunk() {
        InterleavedRows packed = new InterleavedRows(100, 288, InterleavedRows.MAX_CHUNK_BYTES);
        assertEquals(128, packed.rowsPerChunk());
        assertEquals(100 * 288, packed.chunk(99).length);
    }

    @Test
    void aRowLargerThanAnArrayIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new InterleavedRows(2, 2000, 1000));
        assertTrue(e.getMessage().contains("2000 bytes"), e.getMessage());
    }

    @Test
    void packInterleavesEveryRowAsPackRowDoes() {
        int rows = 9;
        int blocks = 3 * BlockInterleave.GROUP_BLOCKS + 5;
        SplittableRandom rnd = new SplittableRandom(7);
        for (boolean q4 : new boolean[] {false, true}) {
            long ggufRowBytes = (long) blocks * (q4 ? 18 : 34);
            MemorySegment gguf = Arena.ofAuto().allocate(ggufRowBytes * rows);
            for (long i = 0; i < gguf.byteSize(); i++) {
                gguf.set(ValueLayout.JAVA_BYTE, i, (byte) rnd.nextInt());
            }
            InterleavedRows packed = InterleavedRows.pack(gguf, ggufRowBytes, rows, blocks, q4);
            int rowBytes = (int) BlockInterleave.rowBytes(blocks, q4);
            assertEquals(rowBytes, packed.rowBytes());
            for (int r = 0; r < rows; r++) {
                byte[] expected = new byte[rowBytes];
                BlockInterleave.packRow(gguf, r * ggufRowBytes, blocks, q4, expected, 0);
                byte[] row = Arrays.copyOfRange(packed.chunk(r), packed.offset(r), packed.offset(r) + rowBytes);
                assertArrayEquals(expected, row, (q4 ? "Q4_0" : "Q8_0") + " row " + r);
            }
        }
    }
}
