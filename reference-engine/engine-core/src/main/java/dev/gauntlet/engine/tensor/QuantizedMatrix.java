package dev.gauntlet.engine.tensor;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.kernel.ActivationQuantizer;
import java.lang.foreign.MemorySegment;

/**
 * Block-quantized weights (Q8_0, Q4_0) against Q8_0-quantized inputs, both dequantized exactly
 * (see {@link dev.gauntlet.engine.kernel.VectorKernels}). A single input streams the packed row
 * through a fused kernel; a batch decodes each row once and reuses it.
 */
abstract sealed class QuantizedMatrix extends DecodedRowMatrix permits Q8_0Matrix, Q4_0Matrix {

    QuantizedMatrix(GgmlType type, int rows, int cols, MemorySegment data) {
        super(type, rows, cols, data);
    }

    @Override
    final float[] prepare(float[] x, int batch) {
        return ActivationQuantizer.quantizeQ8_0(x, batch, cols).dequantized();
    }
}
