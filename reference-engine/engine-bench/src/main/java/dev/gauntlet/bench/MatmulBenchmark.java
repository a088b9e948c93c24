package dev.gauntlet.bench;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.kernel.Parallel;
import dev.gauntlet.engine.tensor.BlockCodec;
import dev.gauntlet.engine.tensor.Quantizer;
import dev.gauntlet.engine.tensor.WeightMatrices;
import dev.gauntlet.engine.tensor.WeightMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One weight matmul of a 1B-class Llama layer (hidden 2048, FFN 8192) per stored type and
 * batch size. The secondary results are weight bytes read and multiply-adds done per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx6g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class MatmulBenchmark {
    @Param({"F32", "F16", "BF16", "Q8_0", "Q4_0"})
    public String type;

    @Param({"1", "8"})
    public int batch;

    /** Rows × columns: an FFN up/gate projection; use 2048x8192 for the down projection. */
    @Param({"8192x2048"})
    public String shape;

    /** Worker threads; 0 keeps the engine default (all cores). */
    @Param({"0"})
    public int threads;

    private WeightMatrix matrix;
    private float[] x;
    private float[] out;

    @Setup
    public void setUp() {
        if (threads > 0) {
            Parallel.setThreads(threads);
        }
        String[] rc = shape.split("x");
        int rows = Integer.parseInt(rc[0]);
        int cols = Integer.parseInt(rc[1]);
        SplittableRandom rnd = new SplittableRandom(42);
        MemorySegment f32 = Arena.ofAuto().allocate(4L * rows * cols, 64);
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            fill(rnd, row, 0.02);
            BlockCodec.encode(GgmlType.F32, row, 0, cols, f32, 4L * r * cols);
        }
        matrix = Quantizer.quantize(WeightMatrices.of(GgmlType.F32, rows, cols, f32), GgmlType.parse(type));
        x = new float[batch * cols];
        fill(rnd, x, 1.0);
        out = new float[batch * rows];
    }

    @Benchmark
    public float[] matmul(WorkDone work) {
        matrix.matmul(x, out, batch);
        work.bytes += matrix.byteSize();
        work.multiplyAdds += (long) matrix.rows() * matrix.cols() * batch;
        return out;
    }

    private static void fill(SplittableRandom rnd, float[] v, double scale) {
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        }
    }
}
