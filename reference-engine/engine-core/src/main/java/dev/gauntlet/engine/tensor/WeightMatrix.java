package dev.gauntlet.engine.tensor;

import dev.gauntlet.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * A weight matrix of {@code rows × cols} in its stored type (F32, F16, BF16, Q8_0 or Q4_0),
 * row-major with each row contiguous, as GGUF lays out a tensor of {@code ne = [cols, rows]}.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface WeightMatrix {

    int rows();

    int cols();

    GgmlType type();

    /** Bytes of weight data read by one full {@link #matmul}. */
    long byteSize();

    /**
     * The stored bytes, {@link #byteSize()} of them, rows back to back in the type's GGUF block
     * layout: what a backend copies to its own memory. Callers must not write to it.
     */
    MemorySegment data();

    /**
     * {@code out[b*rows + r] = Σ_c W[r][c] · x[b*cols + c]} for every {@code b < batch}, spread
     * over the engine's worker threads. Each weight row is read once for the whole batch.
     *
     * <p>Inputs are rounded as llama.cpp's CPU backend does: to F16 for F16 weights, to Q8_0
     * blocks (32 values, fp16 scale) for Q8_0 and Q4_0 weights, unchanged for F32 and BF16.
     */
    void matmul(float[] x, float[] out, int batch);

    /**
     * {@link #matmul} of every matrix with the same input: {@code outs[i]} from {@code matrices[i]}.
     * Matrices of one type and width (a layer's query, key and value projections; its gate and up)
     * round the input once and share one parallel loop over all their rows, so a step hands work
     * to the worker threads once instead of once per matrix. Each output gets the same bits as
     * from its own {@link #matmul}.
     */
    static void matmul(WeightMatrix[] matrices, float[] x, float[][] outs, int batch) {
        AbstractWeightMatrix.matmulShared(matrices, x, outs, batch);
    }

    /**
     * Builds now whatever {@link #matmul} would build on its first call (the CPU kernels' layout of
     * quantized rows), so that a first request or a first measured call pays no set-up. Does
     * nothing for types that need none; a backend that never multiplies on the CPU never calls it.
     */
    default void prepareMatmul() {
    }

    /** Dequantizes row {@code row} into {@code dst[dstOffset .. dstOffset+cols)} (embedding lookup). */
    void readRow(int row, float[] dst, int dstOffset);
}
