package dev.gauntlet.engine.kernel;

/**
 * A batch of input vectors quantized to Q8_0 blocks, kept unpacked for the kernels.
 *
 * @param q     the int8 values as floats, {@code batch × cols}, vector {@code b} at {@code b*cols}
 * @param d     each block's scale (already rounded to fp16), {@code batch × cols/32}
 * @param cols  elements per vector, a multiple of 32
 * @param batch number of vectors
 * @param nibbleOffsets the Q4_0 kernel's −8·Σx per block, laid out as {@link VectorKernels#nibbleOffsets} says
 */
public record Q8Activations(float[] q, float[] d, int cols, int batch, float[] nibbleOffsets) {

    /** Blocks per vector. */
    public int blocks() {
        return cols / ActivationQuantizer.BLOCK;
    }
}
