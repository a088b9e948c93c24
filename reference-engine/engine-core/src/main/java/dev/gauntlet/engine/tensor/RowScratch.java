package dev.gauntlet.engine.tensor;

import dev.gauntlet.engine.kernel.VectorKernels;
import java.lang.foreign.MemorySegment;

/** Per-thread buffers a row is decoded into once before it meets every vector of a batch. */
final class RowScratch {
    float[] values = new float[0];
    final float[] lanes = VectorKernels.laneScratch();
    float[] scales = new float[0];
    MemorySegment valuesSegment = MemorySegment.ofArray(values);

    RowScratch ensure(int cols) {
        if (values.length < cols) {
            values = new float[cols];
            scales = new float[cols / BlockCodec.BLOCK + 1];
            valuesSegment = MemorySegment.ofArray(values);
        }
        return this;
    }
}
