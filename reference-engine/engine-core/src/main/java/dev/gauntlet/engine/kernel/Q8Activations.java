package dev.gauntlet.engine.kernel;

/**
 * A batch of input vectors quantized to Q8_0 blocks, kept unpacked in the layouts the kernels of
 * one weight type read.
 *
 * @param q             the int8 values as floats in their natural order, {@code batch × cols},
 *                      vector {@code b} at {@code b*cols}
 * @param d             each block's scale (already rounded to fp16), {@code batch × cols/32}
 * @param cols          elements per vector, a multiple of 32
 * @param batch         number of vectors
 * @param tileQ         {@code q} in the order the weight type's unpacked rows are stored in for
 *                      the batch kernel ({@link VectorKernels#pairedOrder} for Q8_0, {@code q}
 *                      itself for Q4_0)
 * @param q16           {@code q} as 16-bit integers for the single-input Q8_0 kernel; null for Q4_0
 * @param nibbleOffsets the single-input Q4_0 kernel's −8·Σx per block, laid out as
 *                      {@link VectorKernels#nibbleOffsets} says; null for Q8_0
 */
public record Q8Activations(float[] q, float[] d, int cols, int batch, float[] tileQ, short[] q16,
        float[] nibbleOffsets) {

    /** Blocks per vector. */
    public int blocks() {
        return cols / ActivationQuantizer.BLOCK;
    }
}
