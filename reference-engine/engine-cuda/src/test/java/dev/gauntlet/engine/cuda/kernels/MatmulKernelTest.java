package dev.gauntlet.engine.cuda.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.engine.cuda.RequiresCuda;
import dev.gauntlet.engine.cuda.driver.CudaDevice;
import dev.gauntlet.engine.cuda.driver.CudaStream;
import dev.gauntlet.engine.cuda.driver.DeviceBuffer;
import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.tensor.Quantizer;
import dev.gauntlet.engine.tensor.WeightMatrices;
import dev.gauntlet.engine.tensor.WeightMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each matrix kernel against the CPU's {@link WeightMatrix#matmul} on the same float inputs: both
 * round the inputs the same way, so a quantized block's dot product is the same exact integer and
 * only the order of float additions differs. Fresh random inputs per case; the output starts
 * from random values to check the accumulate mode and that every element is written.
 */
@Tag("gpu")
@ExtendWith(RequiresCuda.class)
class MatmulKernelTest {
    private static final double MAX_RELATIVE_ERROR = 1e-5;
    static CudaDevice device;
    static CudaStream stream;
    static LlamaKernels kernels;

    @BeforeAll
    static void open() {
        device = CudaDevice.open(0);
        stream = new CudaStream(device);
        kernels = new LlamaKernels(new KernelLibrary(device), stream);
    }

    @AfterAll
    static void close() {
        if (device != null) {
            stream.close();
            device.close();
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0).flatMap(type -> Stream.of(1, 2, 3, 8, 13, 64)
                .flatMap(batch -> Stream.of(32, 352, 4096).map(cols -> Arguments.of(type, batch, cols))));
    }

    @ParameterizedTest(name = "{0} batch {1} cols {2}")
    @MethodSource("cases")
    void matchesTheCpuProduct(GgmlType type, int batch, int cols) {
        int rows = 197; // not a multiple of the rows per thread block
        SplittableRandom r = new SplittableRandom(31L * batch + cols + type.ordinal());
        float[] w = gaussians(r, rows * cols, 1 / Math.sqrt(cols));
        float[] x = gaussians(r, batch * cols, 1);
        float[] base = gaussians(r, batch * rows, 1);
        MemorySegment f32 = Arena.ofAuto().allocate((long) w.length * Float.BYTES, 64);
        MemorySegment.copy(w, 0, f32, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, w.length);
        WeightMatrix m = Quantizer.quantize(WeightMatrices.of(GgmlType.F32, rows, cols, f32), type);

        float[] expected = new float[batch * rows];
        m.matmul(x, expected, batch);
        for (int i = 0; i < expected.length; i++) {
            expected[i] += base[i];
        }

        float[] actual = new float[batch * rows];
        try (DeviceBuffer weights = device.allocate(m.byteSize() + DeviceMatrix.PADDING, "test weights");
             DeviceBuffer input = device.allocate((long) x.length * Float.BYTES, "test input");
             DeviceBuffer values = device.allocate((long) x.length * 2, "test rounded input");
             DeviceBuffer scales = device.allocate((long) x.length / 32 * Float.BYTES, "test input scales");
             DeviceBuffer out = device.allocate((long) actual.length * Float.BYTES, "test output")) {
            weights.copyFrom(m.data().asSlice(0, m.byteSize()), 0);
            input.copyFrom(x);
            out.copyFrom(base);
            DeviceMatrix dm = new DeviceMatrix(weights.pointer(), type, rows, cols);
            Activations in = new Activations(dm.inputFormat(), values.pointer(), scales.pointer());
            kernels.convert(input.pointer(), x.length, in);
            kernels.matmul(dm, in, out.pointer(), batch, true);
            out.copyTo(actual);
        }
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            diff += Math.pow(actual[i] - expected[i], 2);
            norm += Math.pow(expected[i], 2);
        }
        double error = Math.sqrt(diff / norm);
        assertTrue(error < MAX_RELATIVE_ERROR, type + " batch " + batch + " cols " + cols + ": relative error " + error);
    }

    private static float[] gaussians(SplittableRandom r, int n, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * std);
        }
        return v;
    }
}
