package dev.gauntlet.engine.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels for one float weight row: dot products and row decoders. {@link
 * ScalarKernels} holds the reference each is tested against; {@link InterleavedKernels} holds the
 * quantized rows' kernels, which share the lane sums and tile bookkeeping here.
 *
 * <p><b>One operation sequence per input.</b> Each dot product runs the same floating-point
 * operations in the same order for an input whether it is alone or in a group, so its result is
 * bit-for-bit the same whatever batch it rides in: the group kernels only interleave the
 * sequences of their inputs. Lanes are summed by a fixed scalar halving tree ({@link #sumLanes}),
 * through a caller's {@link #laneScratch}. For float rows (F32, and F16/BF16 decoded) vector
 * {@code j} of {@code L} lanes, elements {@code [jL, jL+L)}, is fused-multiply-added into
 * accumulator {@code j mod 2} while whole pairs of vectors remain; then {@code a0+a1} is summed
 * across lanes and the remaining elements are added one by one in order. Two independent FMA
 * chains let a single input keep up with memory.
 */
public final class VectorKernels {
    /** 16 float lanes with AVX-512, else 8: a Q8_0/Q4_0 block is then a whole number of vectors. */
    public static final VectorSpecies<Float> F =
            FloatVector.SPECIES_PREFERRED.length() >= 16 ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
    /** Lanes of {@link #F}: the floats one accumulator of {@link #dotLanes} or {@link #sumRows} holds. */
    public static final int L = F.length();
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** GGUF's little-endian 16-bit values and floats, at any alignment: for the kernels' scalar reads and writes. */
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);

    /** Input vectors the batched kernels handle per pass over their rows. */
    public static final int GROUP = 4;
    /** Weight rows the batched kernels handle per pass: with {@link #GROUP} inputs, 16 accumulators fit 32 registers. */
    public static final int TILE_ROWS = 2;
    /** Rows {@link #sumRows} sums at once: one per float lane. */
    public static final int SUM_ROWS = L;
    /** Floats of a tile's accumulators: {@link #TILE_ROWS} × {@link #GROUP} vectors. */
    static final int TILE_LANES = TILE_ROWS * GROUP * L;
    /** Where {@link #storeTileLanes} leaves a tile's sums in the lane scratch, after {@link #sumRows}'s room. */
    private static final int TILE_SUMS = SUM_ROWS * L;

    /**
     * {@link #sumRows}'s lane indexes, level after level ({@code L} floats each): where each output
     * lane takes the lower, and the upper, half of a row's remaining lanes from two vectors.
     */
    private static final float[] LOWER_HALVES = halves(0);
    private static final float[] UPPER_HALVES = halves(1);

    private VectorKernels() {
    }

    /** A per-thread buffer of {@link #SUM_ROWS} accumulators for {@link #sumRows}. */
    public static float[] rowScratch() {
        return new float[SUM_ROWS * L];
    }

    /** A per-thread buffer for the kernels' lane sums: every kernel here takes one as {@code lanes}. */
    public static float[] laneScratch() {
        return new float[TILE_SUMS + TILE_ROWS * GROUP];
    }

    /**
     * Σ w[i]·x[xOffset+i] over {@code n} little-endian floats at byte {@code offset} of {@code w}
     * (a mapped F32 row, or a heap segment over a decoded row).
     */
    public static float dot(MemorySegment w, long offset, float[] x, int xOffset, int n, float[] lanes) {
        // Two accumulators so consecutive FMAs do not wait on each other's latency.
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int i = 0;
        for (int bound = n - n % (2 * L); i < bound; i += 2 * L) {
            acc0 = FloatVector.fromMemorySegment(F, w, offset + 4L * i, LE).fma(FloatVector.fromArray(F, x, xOffset + i), acc0);
            acc1 = FloatVector.fromMemorySegment(F, w, offset + 4L * (i + L), LE)
                    .fma(FloatVector.fromArray(F, x, xOffset + i + L), acc1);
        }
        acc0.add(acc1).intoArray(lanes, 0);
        float sum = sumLanes(lanes, 0);
        for (; i < n; i++) {
            sum += w.get(F32, offset + 4L * i) * x[xOffset + i];
        }
        return sum;
    }

    /**
     * Σ w[i]·x[xOffset+i] over {@code n} floats at byte {@code offset} of {@code w}, left unsummed:
     * {@code L} lanes at {@code accs[at]}, for {@link #sumRows} to sum {@link #SUM_ROWS} such
     * dot products with vector shuffles instead of one scalar tree each (attention's scores, whose
     * rows are too short for that tree to hide). A last partial vector is read masked.
     */
    public static void dotLanes(MemorySegment w, long offset, float[] x, int xOffset, int n, float[] accs, int at) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            acc = FloatVector.fromMemorySegment(F, w, offset + 4L * i, LE).fma(FloatVector.fromArray(F, x, xOffset + i), acc);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            acc = FloatVector.fromMemorySegment(F, w, offset + 4L * i, LE, m).fma(FloatVector.fromArray(F, x, xOffset + i, m), acc);
        }
        acc.intoArray(accs, at);
    }

    /**
     * Two float rows ({@code n} values at byte {@code off0} of {@code w0} and at byte {@code off1}
     * of {@code w1}) dotted with up to {@link #GROUP} consecutive input vectors of {@code x}
     * (vector {@code b} at {@code b*n}), each weight and input vector loaded once for the whole
     * tile: sets {@code out[row0 + r + b*outStride]} for {@code r < rowCount} and {@code b} in
     * {@code [firstB, firstB + count)}. Each result equals {@link #dot}'s bit for bit.
     *
     * <p>Two rows per pass halve the input loads per multiply-add; with one row per pass, loads of
     * the inputs, not arithmetic, bound a batch. A lone row passes itself as the second (computed
     * alongside, never stored), as a short group repeats its last vector.
     */
    public static void dotTile(MemorySegment w0, long off0, MemorySegment w1, long off1, int n, float[] x,
            int firstB, int count, float[] out, int row0, int rowCount, int outStride, float[] lanes) {
        checkTile(count, rowCount);
        int x0 = tileInput(firstB, count, 0) * n;
        int x1 = tileInput(firstB, count, 1) * n;
        int x2 = tileInput(firstB, count, 2) * n;
        int x3 = tileInput(firstB, count, 3) * n;
        FloatVector z = FloatVector.zero(F);
        // aBE: row 0, input B, accumulator E (even or odd vector); cBE the same for row 1.
        FloatVector a00 = z, a01 = z, a10 = z, a11 = z, a20 = z, a21 = z, a30 = z, a31 = z;
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        int i = 0;
        for (int bound = n - n % (2 * L); i < bound; i += 2 * L) {
            FloatVector u0 = FloatVector.fromMemorySegment(F, w0, off0 + 4L * i, LE);
            FloatVector u1 = FloatVector.fromMemorySegment(F, w0, off0 + 4L * (i + L), LE);
            FloatVector v0 = FloatVector.fromMemorySegment(F, w1, off1 + 4L * i, LE);
            FloatVector v1 = FloatVector.fromMemorySegment(F, w1, off1 + 4L * (i + L), LE);
            FloatVector e = FloatVector.fromArray(F, x, x0 + i);
            FloatVector o = FloatVector.fromArray(F, x, x0 + i + L);
            a00 = u0.fma(e, a00);
            a01 = u1.fma(o, a01);
            c00 = v0.fma(e, c00);
            c01 = v1.fma(o, c01);
            e = FloatVector.fromArray(F, x, x1 + i);
            o = FloatVector.fromArray(F, x, x1 + i + L);
            a10 = u0.fma(e, a10);
            a11 = u1.fma(o, a11);
            c10 = v0.fma(e, c10);
            c11 = v1.fma(o, c11);
            e = FloatVector.fromArray(F, x, x2 + i);
            o = FloatVector.fromArray(F, x, x2 + i + L);
            a20 = u0.fma(e, a20);
            a21 = u1.fma(o, a21);
            c20 = v0.fma(e, c20);
            c21 = v1.fma(o, c21);
            e = FloatVector.fromArray(F, x, x3 + i);
            o = FloatVector.fromArray(F, x, x3 + i + L);
            a30 = u0.fma(e, a30);
            a31 = u1.fma(o, a31);
            c30 = v0.fma(e, c30);
            c31 = v1.fma(o, c31);
        }
        storeTileLanes(a00.add(a01), a10.add(a11), a20.add(a21), a30.add(a31),
                c00.add(c01), c10.add(c11), c20.add(c21), c30.add(c31), lanes);
        // The leftover elements one by one, in order, as dot does: s[g] for row g/4, input g%4.
        int s = TILE_SUMS;
        for (; i < n; i++) {
            float ui = w0.get(F32, off0 + 4L * i);
            float vi = w1.get(F32, off1 + 4L * i);
            lanes[s] += ui * x[x0 + i];
            lanes[s + 1] += ui * x[x1 + i];
            lanes[s + 2] += ui * x[x2 + i];
            lanes[s + 3] += ui * x[x3 + i];
            lanes[s + 4] += vi * x[x0 + i];
            lanes[s + 5] += vi * x[x1 + i];
            lanes[s + 6] += vi * x[x2 + i];
            lanes[s + 7] += vi * x[x3 + i];
        }
        storeTile(out, row0, rowCount, outStride, firstB, count, lanes);
    }

    /**
     * Widens {@code n} F16 values at byte {@code offset} of {@code w} into {@code dst[0, n)}.
     * A plain loop on purpose: the JIT's auto-vectorizer turns it into {@code vcvtph2ps}, 16
     * values an instruction, which the Vector API cannot express (it has no fp16 conversion);
     * with its shift-mask-rescale emulation instead, an F16 matmul of one input ran 1.4–1.8× slower.
     */
    public static void decodeF16(MemorySegment w, long offset, int n, float[] dst) {
        for (int i = 0; i < n; i++) {
            dst[i] = Float.float16ToFloat(w.get(I16, offset + 2L * i));
        }
    }

    /** Widens {@code n} BF16 values at byte {@code offset} of {@code w} into {@code dst[0, n)}. */
    public static void decodeBf16(MemorySegment w, long offset, int n, float[] dst) {
        int i = 0;
        for (; i < S.loopBound(n); i += L) {
            ((IntVector) ShortVector.fromMemorySegment(S, w, offset + 2L * i, LE).convertShape(VectorOperators.S2I, I, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(dst, i);
        }
        for (; i < n; i++) {
            dst[i] = Float.intBitsToFloat(w.get(I16, offset + 2L * i) << 16);
        }
    }

    /**
     * The {@code L} floats at {@code lanes[from]} summed by a fixed halving tree (upper half onto
     * lower half, down to one), in place. Not {@code reduceLanes(ADD)}: its order is unspecified
     * and may differ between the interpreter and compiled code, hence between two calls in one
     * run. Done in scalar code after one vector store, which also keeps the kernels small enough
     * for the JIT to compile their vector operations without boxing.
     */
    static float sumLanes(float[] lanes, int from) {
        for (int half = L / 2; half > 0; half /= 2) {
            for (int i = from; i < from + half; i++) {
                lanes[i] += lanes[i + half];
            }
        }
        return lanes[from];
    }

    /**
     * Sums each of the first {@code count} accumulators in {@code accs} ({@code L} floats each,
     * row {@code r} at {@code r·L}) by {@link #sumLanes}'s halving tree and stores the sums at
     * {@code out[at, at + count)}; {@code accs} is overwritten. The same additions in the same order
     * as {@link #sumLanes}, hence the same bits, but in vector registers for {@link #SUM_ROWS} rows
     * at once: each level takes the lower and the upper halves of every row's remaining lanes from
     * two vectors into one (a two-vector lane selection each) and adds them, so the rows' lanes
     * are never added one by one.
     */
    public static void sumRows(float[] accs, int count, float[] out, int at) {
        Arrays.fill(accs, count * L, SUM_ROWS * L, 0f);
        for (int level = 0, vectors = SUM_ROWS; vectors > 1; level++, vectors /= 2) {
            FloatVector lower = FloatVector.fromArray(F, LOWER_HALVES, level * L);
            FloatVector upper = FloatVector.fromArray(F, UPPER_HALVES, level * L);
            for (int i = 0; i < vectors / 2; i++) {
                FloatVector a = FloatVector.fromArray(F, accs, 2 * i * L);
                FloatVector b = FloatVector.fromArray(F, accs, (2 * i + 1) * L);
                lower.selectFrom(a, b).add(upper.selectFrom(a, b)).intoArray(accs, i * L);
            }
        }
        System.arraycopy(accs, 0, out, at, count);
    }

    /**
     * For {@link #sumRows}: at level {@code k} each input vector holds {@code m = 2^k} rows of
     * {@code s = L/m} lanes; output lane {@code o} is lane {@code t = o mod s/2} of the lower
     * ({@code upper = 0}) or upper half of row {@code q = o div s/2}, from the first vector
     * ({@code q < m}) or, as index {@code L + …}, the second.
     */
    private static float[] halves(int upper) {
        int levels = Integer.numberOfTrailingZeros(L);
        float[] idx = new float[levels * L];
        for (int level = 0; level < levels; level++) {
            int m = 1 << level;
            int half = L / m / 2;
            for (int o = 0; o < L; o++) {
                int q = o / half;
                int lane = (q % m) * 2 * half + o % half + upper * half;
                idx[level * L + o] = q < m ? lane : L + lane;
            }
        }
        return idx;
    }

    /**
     * Stores a tile's accumulators in the lane scratch and sums each by {@link #sumRows}, leaving
     * the sums at {@code lanes[TILE_SUMS + GROUP·row + input]}.
     */
    private static void storeTileLanes(FloatVector a0, FloatVector a1, FloatVector a2, FloatVector a3,
            FloatVector c0, FloatVector c1, FloatVector c2, FloatVector c3, float[] lanes) {
        a0.intoArray(lanes, 0);
        a1.intoArray(lanes, L);
        a2.intoArray(lanes, 2 * L);
        a3.intoArray(lanes, 3 * L);
        c0.intoArray(lanes, 4 * L);
        c1.intoArray(lanes, 5 * L);
        c2.intoArray(lanes, 6 * L);
        c3.intoArray(lanes, 7 * L);
        sumRows(lanes, TILE_ROWS * GROUP, lanes, TILE_SUMS);
    }

    /**
     * The input a tile's slot {@code i} (of {@link #GROUP}) computes: {@code firstB + i}, or the
     * group's last input for the slots past a short group's end, which repeat it (computed, never stored).
     */
    static int tileInput(int firstB, int count, int i) {
        return firstB + Math.min(i, count - 1);
    }

    static void checkTile(int count, int rowCount) {
        if (count < 1 || count > GROUP || rowCount < 1 || rowCount > TILE_ROWS) {
            throw new IllegalArgumentException("tile of " + rowCount + " rows × " + count + " vectors (1 to "
                    + TILE_ROWS + " × 1 to " + GROUP + ")");
        }
    }

    /** Stores the first {@code rowCount} rows × {@code count} inputs of the tile's sums in {@code lanes}. */
    private static void storeTile(float[] out, int row0, int rowCount, int outStride, int firstB, int count,
            float[] lanes) {
        for (int r = 0; r < rowCount; r++) {
            for (int b = 0; b < count; b++) {
                out[row0 + r + (firstB + b) * outStride] = lanes[TILE_SUMS + GROUP * r + b];
            }
        }
    }
}
