package dev.gauntlet.engine.tensor;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.kernel.VectorKernels;
import java.lang.foreign.MemorySegment;

/** F32 weights; inputs are used as they are. */
public final class F32Matrix extends AbstractWeightMatrix<float[]> {

    /** A view of {@code rows × cols} little-endian floats in {@code data} (not copied). */
    public F32Matrix(int rows, int cols, MemorySegment data) {
        super(GgmlType.F32, rows, cols, data);
    }

    @Override
    float[] prepare(float[] x, int batch) {
        return x;
    }

    @Override
    void multiplyRow(int row, float[] x, int batch, float[] out, RowScratch scratch) {
        long off = rowOffset(row);
        for (int b = 0; b < batch; b++) {
            out[b * rows + row] = VectorKernels.dot(data, off, x, b * cols, cols);
        }
    }
}
