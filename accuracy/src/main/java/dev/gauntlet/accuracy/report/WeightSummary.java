package dev.gauntlet.accuracy.report;

import dev.gauntlet.accuracy.weights.TensorError;
import dev.gauntlet.accuracy.weights.WeightErrors;
import java.util.List;

/**
 * Weight-level results of one precision as written in {@code accuracy.json}. SNRs are null where
 * the conversion is exact.
 *
 * @param overallSnrDb total signal over total noise of all matrices, dB
 * @param minSnrDb     the lowest per-tensor SNR, dB
 * @param maxAbsError  the largest absolute error of any element
 * @param tensors      per tensor
 */
public record WeightSummary(Double overallSnrDb, Double minSnrDb, double maxAbsError, List<Tensor> tensors) {

    /**
     * One tensor.
     *
     * @param storedType the type in the file the conversion started from
     */
    public record Tensor(String name, String storedType, int rows, int cols, Double snrDb, double maxAbsError) {
    }

    /** The summary of measured errors. */
    public static WeightSummary of(WeightErrors errors) {
        List<Tensor> tensors = errors.tensors().stream()
                .map((TensorError t) -> new Tensor(t.name(), t.storedType(), t.rows(), t.cols(), t.snrDb(), t.maxAbsError()))
                .toList();
        return new WeightSummary(errors.overallSnrDb(), errors.minSnrDb(), errors.maxAbsError(), tensors);
    }
}
