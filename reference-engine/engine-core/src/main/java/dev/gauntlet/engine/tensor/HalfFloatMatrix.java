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
    final void multiplyRow(int row, float[] x, int batch, float[] out, RowScratch scratch) {
        widenRow(rowOffset(row), scratch.values);
        multiplyFloatRow(scratch.valuesSegment, 0, x, batch, out, row, scratch);
    }
}
