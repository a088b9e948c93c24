package dev.gauntlet.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.gguf.GgufFile;
import dev.gauntlet.engine.gguf.GgufTensor;
import dev.gauntlet.engine.interop.LlamaCppVectors;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our quantizer against llama-quantize: the same F32 master weights must encode to the very
 * bytes llama.cpp wrote, and read back to the same floats.
 */
class LlamaCppQuantizationTest {

    @ParameterizedTest
    @ValueSource(strings = {"f16", "q8_0", "q4_0"})
    void quantizingTheF32MasterReproducesLlamaQuantizeBitForBit(String suffix) throws IOException {
        try (GgufFile master = GgufFile.open(LlamaCppVectors.file("spm-tiny-f32.gguf"));
                GgufFile quantized = GgufFile.open(LlamaCppVectors.file("spm-tiny-" + suffix + ".gguf"))) {
            GgmlType type = GgmlType.parse(suffix);
            int matrices = 0;
            for (GgufTensor theirs : quantized.tensors().values()) {
                if (theirs.type() != type) {
                    continue;
                }
                matrices++;
                WeightMatrix fromFile = WeightMatrices.of(theirs);
                WeightMatrix ours = Quantizer.quantize(WeightMatrices.of(master.tensor(theirs.name())), type);
                assertEquals(theirs.rows(), fromFile.rows());
                assertEquals(theirs.cols(), fromFile.cols());
                MemorySegment ourBytes = ((AbstractWeightMatrix) ours).data();
                assertEquals(-1, ourBytes.mismatch(theirs.data().asSlice(0, fromFile.byteSize())),
                        theirs.name() + ": encoded bytes differ from llama-quantize's");
                assertSameRows(fromFile, ours, theirs.name());
            }
            assertEquals(16, matrices, "the README lists 16 matrices per file");
        }
    }

    private static void assertSameRows(WeightMatrix expected, WeightMatrix actual, String name) {
        float[] a = new float[expected.cols()];
        float[] b = new float[expected.cols()];
        for (int r = 0; r < expected.rows(); r++) {
            expected.readRow(r, a, 0);
            actual.readRow(r, b, 0);
            for (int c = 0; c < a.length; c++) {
                int rr = r;
                int cc = c;
                assertTrue(Float.floatToRawIntBits(a[c]) == Float.floatToRawIntBits(b[c]),
                        () -> name + "[" + rr + "][" + cc + "]");
            }
        }
    }
}
