package dev.gauntlet.bench;

import dev.gauntlet.engine.kernel.Parallel;
import dev.gauntlet.engine.kernel.VectorKernels;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.DoubleAdder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's compute roofline on the engine's worker threads: float vector multiply-adds
 * with nothing to wait for (twelve independent chains in registers, no memory traffic), in the
 * vector width the engine's kernels use. {@code multiplyAdds} counts each lane. A batched decode
 * step, whose matrices do a multiply-add per weight and input, cannot do them faster than this.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ComputePeakBenchmark {
    private static final VectorSpecies<Float> F = VectorKernels.F;
    /** Independent accumulators: more than a multiply-add's latency times the units that issue them. */
    private static final int CHAINS = 12;
    private static final int ROUNDS = 1 << 15;
    /** Pieces the work is split into, so every worker gets several. */
    private static final int PIECES = 64;

    @Benchmark
    public double fma(WorkDone work) {
        DoubleAdder sink = new DoubleAdder();
        Parallel.forRange(PIECES, 1, (start, end) -> {
            for (int piece = start; piece < end; piece++) {
                sink.add(chains(0.5f + piece * 1e-3f));
            }
        });
        work.multiplyAdds += (long) PIECES * ROUNDS * CHAINS * F.length();
        return sink.sum();
    }

    /**
     * {@link #ROUNDS} rounds of {@code a = a·m + 1} on each chain; {@code m} below 1 keeps the
     * values finite and normal, and comes in as an argument so the JIT cannot fold the loop.
     */
    private static double chains(float m) {
        FloatVector mul = FloatVector.broadcast(F, m);
        FloatVector one = FloatVector.broadcast(F, 1f);
        FloatVector a0 = one, a1 = one, a2 = one, a3 = one, a4 = one, a5 = one;
        FloatVector a6 = one, a7 = one, a8 = one, a9 = one, a10 = one, a11 = one;
        for (int i = 0; i < ROUNDS; i++) {
            a0 = a0.fma(mul, one);
            a1 = a1.fma(mul, one);
            a2 = a2.fma(mul, one);
            a3 = a3.fma(mul, one);
            a4 = a4.fma(mul, one);
            a5 = a5.fma(mul, one);
            a6 = a6.fma(mul, one);
            a7 = a7.fma(mul, one);
            a8 = a8.fma(mul, one);
            a9 = a9.fma(mul, one);
            a10 = a10.fma(mul, one);
            a11 = a11.fma(mul, one);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }
}
