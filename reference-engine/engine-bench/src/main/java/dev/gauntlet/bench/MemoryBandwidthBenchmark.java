package dev.gauntlet.bench;

import dev.gauntlet.engine.kernel.Parallel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's memory roofline on the engine's worker threads: a large off-heap copy
 * ({@code bytes} counts bytes read plus written) and a read-only streaming sum (the
 * access pattern of a batch-1 matmul).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class MemoryBandwidthBenchmark {
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
    /** Pieces the buffer is split into, so every worker gets several. */
    private static final int PIECES = 64;

    /** Size of the source buffer in MiB (the destination is as large). */
    @Param({"512"})
    public int mib;

    private Arena arena;
    private MemorySegment src;
    private MemorySegment dst;
    private long piece;

    @Setup
    public void setUp() {
        long bytes = (long) mib << 20;
        piece = bytes / PIECES;
        arena = Arena.ofShared();
        src = arena.allocate(bytes, 4096).fill((byte) 1);
        dst = arena.allocate(bytes, 4096).fill((byte) 0);
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public void copy(WorkDone work) {
        Parallel.forRange(PIECES, 1, (start, end) ->
                MemorySegment.copy(src, start * piece, dst, start * piece, (end - start) * piece));
        work.bytes += 2 * src.byteSize();
    }

    @Benchmark
    public long read(WorkDone work) {
        AtomicLong total = new AtomicLong();
        Parallel.forRange(PIECES, 1, (start, end) -> total.addAndGet(sum(start * piece, end * piece)));
        work.bytes += src.byteSize();
        return total.get();
    }

    private long sum(long from, long to) {
        LongVector acc = LongVector.zero(LONGS);
        for (long at = from; at < to; at += LONGS.vectorByteSize()) {
            acc = acc.add(LongVector.fromMemorySegment(LONGS, src, at, ByteOrder.LITTLE_ENDIAN));
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }
}
