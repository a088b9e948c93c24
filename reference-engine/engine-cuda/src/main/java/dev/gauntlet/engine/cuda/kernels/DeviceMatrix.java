package dev.gauntlet.engine.cuda.kernels;

import dev.gauntlet.engine.gguf.GgmlType;
import jcuda.driver.CUdeviceptr;

/**
 * A weight matrix in device memory, {@code rows × cols} in {@code type}'s GGUF block layout,
 * rows back to back (the same bytes as the host {@link dev.gauntlet.engine.tensor.WeightMatrix}).
 */
public record DeviceMatrix(CUdeviceptr data, GgmlType type, int rows, int cols) {
    /**
     * Bytes to allocate after a matrix: the quantized kernels load whole aligned words around
     * ggml's 2-byte aligned blocks and may read up to 4 bytes past the last one.
     */
    public static final int PADDING = 16;

    public DeviceMatrix {
        ActivationFormat.forWeights(type);
        if (cols % 32 != 0) {
            throw new IllegalArgumentException("the CUDA kernels need a multiple of 32 columns, got " + cols);
        }
    }

    /** Bytes of one row. */
    public long rowBytes() {
        return type.bytesFor(cols);
    }

    /** Bytes of the whole matrix: what one product reads. */
    public long bytes() {
        return rowBytes() * rows;
    }

    /** The input format this matrix's product reads. */
    public ActivationFormat inputFormat() {
        return ActivationFormat.forWeights(type);
    }
}
