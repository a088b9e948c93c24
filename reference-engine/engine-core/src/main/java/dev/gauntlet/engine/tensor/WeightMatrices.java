package dev.gauntlet.engine.tensor;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.gguf.GgufTensor;
import java.lang.foreign.MemorySegment;

/** Builds the {@link WeightMatrix} for a stored tensor, as a view of its bytes (no copy). */
public final class WeightMatrices {
    private WeightMatrices() {
    }

    /**
     * A matrix over {@code tensor}'s data: a 2-D tensor {@code [cols, rows]} (further axes of
     * size 1 allowed), or a 1-D tensor as a single row.
     *
     * @throws IllegalArgumentException if the tensor has more than two axes of size above 1, or
     *     its data is shorter than its shape needs
     */
    public static WeightMatrix of(GgufTensor tensor) {
        long[] dims = tensor.dims();
        for (int i = 2; i < dims.length; i++) {
            if (dims[i] != 1) {
                throw new IllegalArgumentException(tensor + ": only 1-D and 2-D tensors are matrices");
            }
        }
        try {
            return of(tensor.type(), tensor.rows(), tensor.cols(), tensor.data());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(tensor + ": " + e.getMessage(), e);
        }
    }

    /** A matrix of {@code rows × cols} elements of {@code type} stored row by row in {@code data}. */
    public static WeightMatrix of(GgmlType type, int rows, int cols, MemorySegment data) {
        return switch (type) {
            case F32 -> new F32Matrix(rows, cols, data);
            case F16 -> new F16Matrix(rows, cols, data);
            case BF16 -> new Bf16Matrix(rows, cols, data);
            case Q8_0 -> new Q8_0Matrix(rows, cols, data);
            case Q4_0 -> new Q4_0Matrix(rows, cols, data);
        };
    }
}
