package dev.gauntlet.accuracy.weights;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.gguf.GgufFile;
import dev.gauntlet.engine.gguf.GgufTensor;
import dev.gauntlet.engine.tensor.Quantizer;
import dev.gauntlet.engine.tensor.WeightMatrices;
import dev.gauntlet.engine.tensor.WeightMatrix;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Weight-level error of a precision: every matrix of a model file converted with the engine's
 * own {@link Quantizer} (what {@code --quant} does at load) and compared element by element with
 * the stored original. One-dimensional tensors (norm weights) are never converted, so they are
 * not listed.
 *
 * @param precision   the target precision
 * @param tensors     one entry per matrix, in file order
 */
public record WeightErrors(String precision, List<TensorError> tensors) {

    /** SNR of all matrices together: total signal over total noise, in dB; null when exact. */
    public Double overallSnrDb() {
        double signal = 0;
        double noise = 0;
        for (TensorError t : tensors) {
            signal += t.signal();
            noise += t.noise();
        }
        return snrDb(signal, noise);
    }

    /** The lowest per-tensor SNR in dB; null when every tensor is exact. */
    public Double minSnrDb() {
        Double min = null;
        for (TensorError t : tensors) {
            Double snr = t.snrDb();
            if (snr != null && (min == null || snr < min)) {
                min = snr;
            }
        }
        return min;
    }

    /** The largest absolute error of any element. */
    public double maxAbsError() {
        double max = 0;
        for (TensorError t : tensors) {
            max = Math.max(max, t.maxAbsError());
        }
        return max;
    }

    /** Converts every matrix of {@code model} to {@code precision} and measures the error. */
    public static WeightErrors measure(Path model, GgmlType precision) throws IOException {
        try (GgufFile file = GgufFile.open(model)) {
            List<TensorError> out = new ArrayList<>();
            for (GgufTensor t : file.tensors().values()) {
                if (isMatrix(t)) {
                    out.add(compare(t.name(), WeightMatrices.of(t), precision));
                }
            }
            return new WeightErrors(precision.name().toLowerCase(Locale.ROOT), List.copyOf(out));
        }
    }

    /** The error of converting {@code original} to {@code precision}. */
    public static TensorError compare(String name, WeightMatrix original, GgmlType precision) {
        WeightMatrix converted = Quantizer.quantize(original, precision);
        int cols = original.cols();
        float[] w = new float[cols];
        float[] q = new float[cols];
        double signal = 0;
        double noise = 0;
        double maxAbs = 0;
        for (int r = 0; r < original.rows(); r++) {
            original.readRow(r, w, 0);
            converted.readRow(r, q, 0);
            for (int c = 0; c < cols; c++) {
                double d = (double) w[c] - q[c];
                signal += (double) w[c] * w[c];
                noise += d * d;
                maxAbs = Math.max(maxAbs, Math.abs(d));
            }
        }
        return new TensorError(name, original.type().name().toLowerCase(Locale.ROOT), original.rows(), cols, signal,
                noise, maxAbs);
    }

    static Double snrDb(double signal, double noise) {
        return noise == 0 ? null : 10 * Math.log10(signal / noise);
    }

    /** Two axes above size 1: the tensors {@code LlamaWeights} converts at load. */
    private static boolean isMatrix(GgufTensor t) {
        int axes = 0;
        for (long d : t.dims()) {
            if (d > 1) {
                axes++;
            }
        }
        return axes == 2;
    }
}
