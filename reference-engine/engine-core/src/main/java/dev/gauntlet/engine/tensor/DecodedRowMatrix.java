package dev.gauntlet.engine.tensor;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.kernel.VectorKernels;
import java.lang.foreign.MemorySegment;

/**
 * Weights that are not stored as floats (F16, BF16, Q8_0, Q4_0): for a batch, each row is
 * decoded to floats once into per-thread scratch, then dotted with every input.
 */
abstract sealed class DecodedRowMatrix extends AbstractWeightMatrix permits F16Matrix, Bf16Matrix, QuantizedMatrix {

    DecodedRowMatrix(GgmlType type, int rows, int cols, MemorySegment data) {
        super(type, rows, cols, data);
    }

    /** Decodes the row at byte {@code offset} into {@code dst[0, cols)}, exactly. */
    abstract void decodeRow(long offset, float[] dst);

    /**
     * The row at byte {@code offset} dotted with the input at {@code x[0, cols)}: decoded, then
     * {@link VectorKernels#dot}. A type with a kernel over its stored form overrides this to skip
     * the decoded copy; it must return the same bits.
     */
    float dotSingle(long offset, float[] x, RowScratch scratch) {
        decodeRow(offset, scratch.values);
        return VectorKernels.dot(scratch.valuesSegment, 0, x, 0, cols);
    }

    @Override
    final void multiplyRow(int row, float[] x, int batch, float[] out, RowScratch scratch) {
        long offset = rowOffset(row);
        if (batch == 1) {
            out[row] = dotSingle(offset, x, scratch);
            return;
        }
        decodeRow(offset, scratch.values);
        multiplyFloatRow(scratch.valuesSegment, 0, x, batch, out, row);
    }
}
