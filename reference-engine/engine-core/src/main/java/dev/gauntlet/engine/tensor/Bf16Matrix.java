package dev.gauntlet.engine.tensor;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.kernel.VectorKernels;
import java.lang.foreign.MemorySegment;

/** BF16 weights; inputs are used as they are. */
public final class Bf16Matrix extends HalfFloatMatrix {

    /** A view of {@code rows × cols} little-endian bfloat16 values in {@code data} (not copied). */
    public Bf16Matrix(int rows, int cols, MemorySegment data) {
        super(GgmlType.BF16, rows, cols, data);
    }

    @Override
    float[] prepare(float[] x, int batch) {
        return x;
    }

    @Override
    void widenRow(long offset, float[] dst) {
        VectorKernels.decodeBf16(data, offset, cols, dst);
    }
}
