package dev.gauntlet.engine.tensor;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.kernel.ActivationQuantizer;
import dev.gauntlet.engine.kernel.VectorKernels;
import java.lang.foreign.MemorySegment;

/** F16 weights; inputs are rounded to F16 first, as llama.cpp's CPU backend does. */
public final class F16Matrix extends HalfFloatMatrix {

    /** A view of {@code rows × cols} little-endian fp16 values in {@code data} (not copied). */
    public F16Matrix(int rows, int cols, MemorySegment data) {
        super(GgmlType.F16, rows, cols, data);
    }

    @Override
    float[] prepare(float[] x, int batch) {
        return ActivationQuantizer.roundToF16(x, batch * cols);
    }

    @Override
    void widenRow(long offset, float[] dst) {
        VectorKernels.decodeF16(data, offset, cols, dst);
    }
}
