package dev.gauntlet.accuracy.weights;

/**
 * How far one tensor moved when converted to a precision.
 *
 * @param name        the GGUF tensor name
 * @param storedType  its type in the file
 * @param rows        rows
 * @param cols        columns
 * @param signal      Σ w² over the original elements
 * @param noise       Σ (w − q)², q the converted elements read back as floats
 * @param maxAbsError max |w − q|
 */
public record TensorError(String name, String storedType, int rows, int cols, double signal, double noise,
                          double maxAbsError) {

    /** 10·log10(signal / noise) in dB; null when the conversion is exact (no noise). */
    public Double snrDb() {
        return WeightErrors.snrDb(signal, noise);
    }
}
