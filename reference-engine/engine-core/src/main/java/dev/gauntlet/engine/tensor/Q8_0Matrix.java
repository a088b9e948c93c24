package dev.gauntlet.engine.tensor;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.kernel.InterleavedKernels;
import dev.gauntlet.engine.kernel.Q8Activations;
import java.lang.foreign.MemorySegment;

/** Q8_0 weights: blocks of an fp16 scale and 32 signed bytes. */
public final class Q8_0Matrix extends QuantizedMatrix {

    /** A view of {@code rows × cols} Q8_0 weights in {@code data} (not copied); {@code cols} a multiple of 32. */
    public Q8_0Matrix(int rows, int cols, MemorySegment data) {
        super(GgmlType.Q8_0, rows, cols, data);
    }

    @Override
    void dot(MemorySegment w, long offset, Q8Activations x, int b, float[] accs, int at) {
        InterleavedKernels.dotQ8_0(w, offset, groups, x, b, accs, at);
    }

    @Override
    void sumGroup(MemorySegment w, long offset, int rowCount, int g, Q8Activations x, int firstB, int count,
            float[] sums) {
        InterleavedKernels.sumQ8_0Group(w, offset, packedRowBytes, rowCount, groups, g, x, firstB, count, sums);
    }
}
