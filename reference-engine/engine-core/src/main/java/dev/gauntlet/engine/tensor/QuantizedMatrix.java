package dev.gauntlet.engine.tensor;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.kernel.ActivationQuantizer;
import dev.gauntlet.engine.kernel.Q8Activations;
import dev.gauntlet.engine.kernel.VectorKernels;
import java.lang.foreign.MemorySegment;

/**
 * Block-quantized weights (Q8_0, Q4_0) against Q8_0-quantized inputs. A single input streams
 * the packed row straight through the fused kernel; a batch unpacks each tile's rows once and reuses them.
 * Both kernels give an input the same bits (see {@link VectorKernels}).
 */
abstract sealed class QuantizedMatrix extends AbstractWeightMatrix<Q8Activations> permits Q8_0Matrix, Q4_0Matrix {
    final int blocks;

    QuantizedMatrix(GgmlType type, int rows, int cols, MemorySegment data) {
        super(type, rows, cols, data);
        this.blocks = cols / BlockCodec.BLOCK;
    }

    /** The packed row at byte {@code offset} dotted with vector {@code b} of {@code x}. */
    abstract float dotPacked(long offset, Q8Activations x, int b, float[] lanes);

    /** Unpacks the row at byte {@code offset} into integer values and block scales. */
    abstract void unpack(long offset, float[] q, float[] d);

    @Override
    final Q8Activations prepare(float[] x, int batch) {
        return ActivationQuantizer.quantizeQ8_0(x, batch, cols, type());
    }

    @Override
    final void multiplyRows(int row, int rowCount, Q8Activations x, int batch, float[] out, RowScratch scratch) {
        if (batch == 1) {
            for (int r = row; r < row + rowCount; r++) {
                out[r] = dotPacked(rowOffset(r), x, 0, scratch.lanes);
            }
            return;
        }
        for (int r = 0; r < rowCount; r++) {
            unpack(rowOffset(row + r), scratch.values[r], scratch.scales[r]);
        }
        int last = rowCount - 1; // a lone row is passed as both rows of the tile
        int b = 0;
        for (; batch - b >= 2; b += VectorKernels.GROUP) {
            VectorKernels.dotUnpackedTile(scratch.values[0], scratch.scales[0], scratch.values[last], scratch.scales[last],
                    blocks, x, b, Math.min(VectorKernels.GROUP, batch - b), out, row, rowCount, rows, scratch.lanes);
        }
        if (b < batch) {
            // A lone last input streams the packed rows again (now cached) rather than fill a group.
            for (int r = row; r < row + rowCount; r++) {
                out[b * rows + r] = dotPacked(rowOffset(r), x, b, scratch.lanes);
            }
        }
    }
}
