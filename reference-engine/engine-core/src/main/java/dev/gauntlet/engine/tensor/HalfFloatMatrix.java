package dev.gauntlet.engine.tensor;

import dev.gauntlet.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/** 16-bit float weights (F16, BF16): each row is widened to floats once, then dotted with every input. */
abstract sealed class HalfFloatMatrix extends AbstractWeightMatrix<float[]> permits F16Matrix, Bf16Matrix {

    HalfFloatMatrix(GgmlType type, int rows, int cols, MemorySegment data) {
        super(type, rows, cols, data);
    }

    /** Widens the row at byte {@code offset} into {@code dst[0, cols)}. */
    abstract void widenRow(long offset, float[] dst);

    @Override
    final void multiplyRows(int row, int rowCount, float[] x, int batch, float[] out, RowScratch scratch) {
        for (int r = 0; r < rowCount; r++) {
            widenRow(rowOffset(row + r), scratch.values[r]);
        }
        multiplyFloatRows(scratch.valuesSegment[0], 0, scratch.valuesSegment[rowCount - 1], 0, x, batch, out, row,
                rowCount, scratch);
    }
}
