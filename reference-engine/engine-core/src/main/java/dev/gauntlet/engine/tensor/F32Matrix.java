package dev.gauntlet.engine.tensor;

import dev.gauntlet.engine.gguf.GgmlType;
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
    void multiplyRows(int row, int rowCount, float[] x, int batch, float[] out, RowScratch scratch) {
        multiplyFloatRows(data, rowOffset(row), data, rowOffset(row + rowCount - 1), x, batch, out, row, rowCount,
                scratch);
    }
}
