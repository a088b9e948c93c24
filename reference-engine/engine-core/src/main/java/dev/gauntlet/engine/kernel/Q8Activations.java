package dev.gauntlet.engine.kernel;

/**
 * A batch of input vectors quantized to Q8_0 blocks, kept in their natural order and in the
 * layout that {@link InterleavedKernels} reads for one weight type. Vectors are padded with zero
 * blocks to whole groups of {@link BlockInterleave#GROUP_BLOCKS}, as the interleaved weight rows are.
 *
 * @param q             the int8 values as floats in their natural order, {@code batch × cols},
 *                      vector {@code b} at {@code b*cols}
 * @param d             each block's scale (already rounded to fp16), {@code batch × cols/32}
 * @param cols          elements per vector, a multiple of 32
 * @param batch         number of vectors
 * @param groupScales   {@code d} padded: block {@code k} of vector {@code b} at
 *                      {@code b·P + k}, {@code P} the padded block count
 * @param groupedQ      for Q8_0 weights, {@code q} interleaved as the weights are: value {@code p}
 *                      of block {@code j} of group {@code g} of vector {@code b} at
 *                      {@code ((b·groups + g)·32 + p)·G + j}, for the batch kernels; null for Q4_0
 * @param groupedQ16    {@code groupedQ} as 16-bit integers, for the one-input Q8_0 kernel; null for Q4_0
 * @param nibblePairs   for Q4_0 weights, as 16-bit integers: for each group and each pair of
 *                      packed byte positions {@code (2k, 2k+1)}, the inputs of the low nibbles
 *                      ({@code 2G} values: position {@code 2k+h} of block {@code j} at
 *                      {@code h·G + j}), then those of the high nibbles (positions 16 on); null for Q8_0
 * @param laneOffsets   for Q4_0 weights, where the kernels start their 16-bit lane sums: lane
 *                      {@code h·G + j} of group {@code g} of vector {@code b}, at
 *                      {@code (b·groups + g)·2G + h·G + j}, holds −8·Σq over block {@code j}'s
 *                      positions of parity {@code h} (the 16 that lane adds up), so that the lane
 *                      ends at Σ(n−8)·q for raw nibbles {@code n}; null for Q8_0
 */
public record Q8Activations(float[] q, float[] d, int cols, int batch, float[] groupScales, float[] groupedQ,
        short[] groupedQ16, short[] nibblePairs, short[] laneOffsets) {

    /** Blocks per vector. */
    public int blocks() {
        return cols / ActivationQuantizer.BLOCK;
    }
}
