package dev.gauntlet.engine.kernel;

import dev.gauntlet.engine.tensor.Float16;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The CPU kernels' layout of Q8_0 and Q4_0 rows: {@link #GROUP_BLOCKS} consecutive blocks side by side,
 * so that lane {@code j} of a vector always holds block {@code j} of its group (see {@link
 * InterleavedKernels} for why). The quants are GGUF's bytes, reordered; a row whose block
 * count is not a multiple of {@link #GROUP_BLOCKS} is padded with zero blocks. The fp16 scales are
 * widened to floats here, once, rather than in every kernel's pass over the row: two bytes more per
 * block, one vector op per group instead of ten (the Vector API has no fp16 conversion).
 *
 * <p>One group of a row, for {@code G = GROUP_BLOCKS}:
 * <ul>
 * <li>Q8_0: for each position {@code p < 32}, the {@code G} blocks' quant {@code p}
 *     ({@code 32·G} bytes), then the {@code G} scales as floats.
 * <li>Q4_0: for each packed byte {@code i < 16} (nibbles {@code i} and {@code i+16}), the
 *     {@code G} blocks' byte {@code i} ({@code 16·G} bytes), then the {@code G} scales as floats.
 * </ul>
 */
public final class BlockInterleave {
    /** Blocks per group: the kernels' float lanes (16 with AVX-512, else 8). */
    public static final int GROUP_BLOCKS = VectorKernels.L;
    static final int Q8_0_GROUP_BYTES = 36 * GROUP_BLOCKS;
    static final int Q4_0_GROUP_BYTES = 20 * GROUP_BLOCKS;
    private static final int BLOCK = ActivationQuantizer.BLOCK;

    private BlockInterleave() {
    }

    /** Groups a row of {@code blocks} blocks takes. */
    public static int groups(int blocks) {
        return (blocks + GROUP_BLOCKS - 1) / GROUP_BLOCKS;
    }

    /** Bytes of one interleaved row of {@code blocks} Q8_0 ({@code q4 == false}) or Q4_0 blocks. */
    public static long rowBytes(int blocks, boolean q4) {
        return (long) groups(blocks) * (q4 ? Q4_0_GROUP_BYTES : Q8_0_GROUP_BYTES);
    }

    /**
     * Interleaves one GGUF row of {@code blocks} Q8_0 ({@code q4 == false}) or Q4_0 blocks at
     * byte {@code from} of {@code src} into {@link #rowBytes} bytes at byte {@code to} of
     * {@code dst}, which must be zero there (padding blocks stay zero).
     */
    public static void packRow(MemorySegment src, long from, int blocks, boolean q4, MemorySegment dst, long to) {
        int quantBytes = q4 ? BLOCK / 2 : BLOCK;
        int blockBytes = 2 + quantBytes;
        long groupBytes = q4 ? Q4_0_GROUP_BYTES : Q8_0_GROUP_BYTES;
        for (int k = 0; k < blocks; k++) {
            long block = from + (long) k * blockBytes;
            long group = to + k / GROUP_BLOCKS * groupBytes;
            int j = k % GROUP_BLOCKS;
            for (int i = 0; i < quantBytes; i++) {
                byte quant = src.get(ValueLayout.JAVA_BYTE, block + 2 + i);
                dst.set(ValueLayout.JAVA_BYTE, group + (long) i * GROUP_BLOCKS + j, quant);
            }
            float scale = Float16.toFloat(src.get(VectorKernels.I16, block));
            dst.set(VectorKernels.F32, group + (long) quantBytes * GROUP_BLOCKS + 4L * j, scale);
        }
    }
}
