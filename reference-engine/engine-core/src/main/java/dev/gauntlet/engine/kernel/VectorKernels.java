package dev.gauntlet.engine.kernel;

import dev.gauntlet.engine.tensor.Float16;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels for one weight row: dot products and row decoders. {@link ScalarKernels}
 * holds the reference each is tested against.
 *
 * <p><b>One operation sequence per input.</b> Each dot product runs the same floating-point
 * operations in the same order for an input whether it is alone or in a group, so its result is
 * bit-for-bit the same whatever batch it rides in: the group kernels only interleave the
 * sequences of their inputs. Lanes are summed by a fixed scalar halving tree ({@link #sumLanes}),
 * through a caller's {@link #laneScratch}.
 * <ul>
 * <li>Float rows (F32, and F16/BF16 decoded): vector {@code j} of {@code L} lanes, elements
 * {@code [jL, jL+L)}, is fused-multiply-added into accumulator {@code j mod 2} while whole pairs
 * of vectors remain; then {@code a0+a1} is summed across lanes and the remaining elements are
 * added one by one in order. Two independent FMA chains let a single input keep up with memory.
 * <li>Quantized rows (Q8_0, Q4_0): each block's 32 products of small integers are summed into
 * lanes, which is exact (every partial sum is below 2<sup>24</sup>) and so independent of order,
 * then the block's lane sums are multiplied by {@code d_w·d_x} (exact too: 11 × 11 significant
 * bits) and added into one accumulator, block after block, as llama.cpp's SIMD kernels do. Which
 * products share a lane is fixed per type (Q8_0: elements {@code 2j, 2j+1} of each run of
 * {@code 2L}; Q4_0: {@code j, j+16}), and the batch kernels' unpacked layouts follow it.
 * Folding the scales into the operands would save work per input but round every product, and
 * llama.cpp conformance of quantized models depends on matching its rounding: a tiny shift in an
 * activation flips its Q8_0 rounding downstream.
 * </ul>
 */
public final class VectorKernels {
    /** 16 float lanes with AVX-512, else 8: a Q8_0/Q4_0 block is then a whole number of vectors. */
    private static final VectorSpecies<Float> F =
            FloatVector.SPECIES_PREFERRED.length() >= 16 ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
    private static final int L = F.length();
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));
    /** {@code 2L} int8 quants: the Q8_0 kernel multiplies this many at once, as 16-bit lanes. */
    private static final VectorSpecies<Byte> PAIR_BYTES = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 16));
    private static final VectorSpecies<Short> PAIR_SHORTS = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 32));
    /** Rearranges {@code 2L} quants to even positions first, then odd: see {@link #decodeQ8_0}. */
    private static final VectorShuffle<Byte> EVENS_THEN_ODDS =
            VectorShuffle.fromOp(PAIR_BYTES, i -> i < L ? 2 * i : 2 * (i - L) + 1);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    private static final int BLOCK = ActivationQuantizer.BLOCK;
    private static final int HALF = BLOCK / 2;
    private static final int Q8_BYTES = 34;
    private static final int Q4_BYTES = 18;

    /** Input vectors the batched kernels handle per pass over their rows. */
    public static final int GROUP = 4;
    /** Weight rows the batched kernels handle per pass: with {@link #GROUP} inputs, 16 accumulators fit 32 registers. */
    public static final int TILE_ROWS = 2;
    /** Where {@link #sumTileLanes} leaves a tile's sums in the lane scratch. */
    private static final int TILE_SUMS = TILE_ROWS * GROUP * L;

    private VectorKernels() {
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
        int x0 = firstB * n;
        int x1 = (firstB + Math.min(1, count - 1)) * n;
        int x2 = (firstB + Math.min(2, count - 1)) * n;
        int x3 = (firstB + count - 1) * n;
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
        a00.add(a01).intoArray(lanes, 0);
        a10.add(a11).intoArray(lanes, L);
        a20.add(a21).intoArray(lanes, 2 * L);
        a30.add(a31).intoArray(lanes, 3 * L);
        c00.add(c01).intoArray(lanes, 4 * L);
        c10.add(c11).intoArray(lanes, 5 * L);
        c20.add(c21).intoArray(lanes, 6 * L);
        c30.add(c31).intoArray(lanes, 7 * L);
        sumTileLanes(lanes);
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
     * Q8_0 weights ({@code blocks} blocks at byte {@code offset}) dotted with vector {@code b} of
     * {@code x}, in 16-bit integer lanes: {@code 2L} quants widened once and multiplied by the
     * input's {@link Q8Activations#q16} (every product fits: both are at most 127 in magnitude),
     * then each int lane {@code j} of a chunk takes the products of elements {@code 2j} and
     * {@code 2j+1}. Half the conversions of widening every quant to a float lane.
     */
    public static float dotQ8_0(MemorySegment w, long offset, int blocks, Q8Activations x, int b, float[] lanes) {
        short[] xq = x.q16();
        float[] xd = x.d();
        int xo = b * x.cols();
        int dOff = b * blocks;
        FloatVector acc = FloatVector.zero(F);
        for (int k = 0; k < blocks; k++, offset += Q8_BYTES, xo += BLOCK) {
            IntVector s = IntVector.zero(I);
            for (int c = 0; c < BLOCK; c += 2 * L) {
                ShortVector wv = (ShortVector) ByteVector.fromMemorySegment(PAIR_BYTES, w, offset + 2 + c, LE)
                        .convertShape(VectorOperators.B2S, PAIR_SHORTS, 0);
                IntVector products = wv.mul(ShortVector.fromArray(PAIR_SHORTS, xq, xo + c)).reinterpretAsInts();
                // Low 16 bits sign-extended plus high 16 bits: the pair's sum, exact.
                s = s.add(products.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16))
                        .add(products.lanewise(VectorOperators.ASHR, 16));
            }
            acc = toFloat(s).fma(FloatVector.broadcast(F, Float16.toFloat(w.get(I16, offset)) * xd[dOff + k]), acc);
        }
        acc.intoArray(lanes, 0);
        return sumLanes(lanes, 0);
    }

    /**
     * Q4_0 weights ({@code blocks} blocks at byte {@code offset}) dotted with vector {@code b} of
     * {@code x}. A block's sum starts from the input's {@link #nibbleOffsets} and adds raw
     * nibbles times inputs, which is Σ(n−8)·x exactly with two subtractions fewer per block.
     */
    public static float dotQ4_0(MemorySegment w, long offset, int blocks, Q8Activations x, int b, float[] lanes) {
        float[] xq = x.q();
        float[] xd = x.d();
        float[] offsets = x.nibbleOffsets();
        int xo = b * x.cols();
        int dOff = b * blocks;
        FloatVector acc = FloatVector.zero(F);
        for (int k = 0; k < blocks; k++, offset += Q4_BYTES, xo += BLOCK) {
            FloatVector s = FloatVector.fromArray(F, offsets, (dOff + k) * L);
            for (int p = 0; p < HALF; p += L) {
                IntVector packed = widenPacked(w, offset + 2 + p);
                s = toFloat(packed.and(0x0F)).fma(FloatVector.fromArray(F, xq, xo + p), s);
                s = toFloat(packed.lanewise(VectorOperators.LSHR, 4)).fma(FloatVector.fromArray(F, xq, xo + HALF + p), s);
            }
            acc = s.fma(FloatVector.broadcast(F, Float16.toFloat(w.get(I16, offset)) * xd[dOff + k]), acc);
        }
        acc.intoArray(lanes, 0);
        return sumLanes(lanes, 0);
    }

    /**
     * For {@link #dotQ4_0}: lane {@code j} of block {@code k} of vector {@code b} (at
     * {@code (b*blocks + k)*L + j}) holds −8 times the sum of the block's inputs that lane
     * {@code j} multiplies, a whole number below 2<sup>24</sup> in magnitude, hence exact.
     */
    public static float[] nibbleOffsets(float[] q, int batch, int cols) {
        int blocks = cols / BLOCK;
        float[] offsets = new float[batch * blocks * L];
        for (int blk = 0; blk < batch * blocks; blk++) {
            for (int p = 0; p < HALF; p++) {
                offsets[blk * L + p % L] -= 8 * (q[blk * BLOCK + p] + q[blk * BLOCK + HALF + p]);
            }
        }
        return offsets;
    }

    /**
     * Unpacks {@code blocks} Q8_0 blocks into integer values {@code q} and scales {@code d}, each
     * run of {@code 2L} values stored even positions first, then odd ({@link
     * Q8Activations#tileQ}'s order): float lane {@code j} of the batch kernel then sums the
     * same two products as int lane {@code j} of {@link #dotQ8_0}.
     */
    public static void decodeQ8_0(MemorySegment w, long offset, int blocks, float[] q, float[] d) {
        for (int k = 0; k < blocks; k++, offset += Q8_BYTES) {
            d[k] = Float16.toFloat(w.get(I16, offset));
            for (int c = 0; c < BLOCK; c += 2 * L) {
                ByteVector quants = ByteVector.fromMemorySegment(PAIR_BYTES, w, offset + 2 + c, LE)
                        .rearrange(EVENS_THEN_ODDS);
                widen(quants, 0).intoArray(q, k * BLOCK + c);
                widen(quants, 1).intoArray(q, k * BLOCK + c + L);
            }
        }
    }

    /**
     * {@code q} (whole blocks of 32) reordered as {@link #decodeQ8_0} stores unpacked weights:
     * each run of {@code 2L} values even positions first, then odd.
     */
    public static float[] pairedOrder(float[] q) {
        float[] paired = new float[q.length];
        for (int run = 0; run < q.length; run += 2 * L) {
            for (int r = 0; r < 2 * L; r++) {
                paired[run + (r % 2) * L + r / 2] = q[run + r];
            }
        }
        return paired;
    }

    /** Unpacks {@code blocks} Q4_0 blocks into integer values {@code q} and scales {@code d}. */
    public static void decodeQ4_0(MemorySegment w, long offset, int blocks, float[] q, float[] d) {
        for (int k = 0; k < blocks; k++, offset += Q4_BYTES) {
            d[k] = Float16.toFloat(w.get(I16, offset));
            for (int p = 0; p < HALF; p += L) {
                IntVector packed = widenPacked(w, offset + 2 + p);
                toFloat(packed.and(0x0F).sub(8)).intoArray(q, k * BLOCK + p);
                toFloat(packed.lanewise(VectorOperators.LSHR, 4).sub(8)).intoArray(q, k * BLOCK + HALF + p);
            }
        }
    }

    /**
     * Two rows unpacked by {@link #decodeQ8_0} or {@link #decodeQ4_0} ({@code q0, d0} and
     * {@code q1, d1}) dotted with up to {@link #GROUP} consecutive vectors of {@code x}, each
     * unpacked weight vector and input vector loaded once for the whole tile: sets
     * {@code out[row0 + r + b*outStride]} for {@code r < rowCount} and {@code b} in
     * {@code [firstB, firstB + count)}. This is the batch path; each result equals
     * {@link #dotQ8_0}'s or {@link #dotQ4_0}'s bit for bit. A lone row passes itself as the second.
     */
    public static void dotUnpackedTile(float[] q0, float[] d0, float[] q1, float[] d1, int blocks, Q8Activations x,
            int firstB, int count, float[] out, int row0, int rowCount, int outStride, float[] lanes) {
        checkTile(count, rowCount);
        float[] xq = x.tileQ();
        float[] xd = x.d();
        int cols = x.cols();
        int b1 = firstB + Math.min(1, count - 1);
        int b2 = firstB + Math.min(2, count - 1);
        int b3 = firstB + count - 1;
        FloatVector z = FloatVector.zero(F);
        // aB: row 0 with input B; cB: row 1 with input B.
        FloatVector a0 = z, a1 = z, a2 = z, a3 = z, c0 = z, c1 = z, c2 = z, c3 = z;
        for (int k = 0; k < blocks; k++) {
            int base = k * BLOCK;
            FloatVector s0 = z, s1 = z, s2 = z, s3 = z, t0 = z, t1 = z, t2 = z, t3 = z;
            for (int p = base; p < base + BLOCK; p += L) {
                FloatVector u = FloatVector.fromArray(F, q0, p);
                FloatVector v = FloatVector.fromArray(F, q1, p);
                FloatVector e = FloatVector.fromArray(F, xq, firstB * cols + p);
                s0 = u.fma(e, s0);
                t0 = v.fma(e, t0);
                e = FloatVector.fromArray(F, xq, b1 * cols + p);
                s1 = u.fma(e, s1);
                t1 = v.fma(e, t1);
                e = FloatVector.fromArray(F, xq, b2 * cols + p);
                s2 = u.fma(e, s2);
                t2 = v.fma(e, t2);
                e = FloatVector.fromArray(F, xq, b3 * cols + p);
                s3 = u.fma(e, s3);
                t3 = v.fma(e, t3);
            }
            float du = d0[k];
            float dv = d1[k];
            float e0 = xd[firstB * blocks + k];
            float e1 = xd[b1 * blocks + k];
            float e2 = xd[b2 * blocks + k];
            float e3 = xd[b3 * blocks + k];
            a0 = s0.fma(FloatVector.broadcast(F, du * e0), a0);
            a1 = s1.fma(FloatVector.broadcast(F, du * e1), a1);
            a2 = s2.fma(FloatVector.broadcast(F, du * e2), a2);
            a3 = s3.fma(FloatVector.broadcast(F, du * e3), a3);
            c0 = t0.fma(FloatVector.broadcast(F, dv * e0), c0);
            c1 = t1.fma(FloatVector.broadcast(F, dv * e1), c1);
            c2 = t2.fma(FloatVector.broadcast(F, dv * e2), c2);
            c3 = t3.fma(FloatVector.broadcast(F, dv * e3), c3);
        }
        a0.intoArray(lanes, 0);
        a1.intoArray(lanes, L);
        a2.intoArray(lanes, 2 * L);
        a3.intoArray(lanes, 3 * L);
        c0.intoArray(lanes, 4 * L);
        c1.intoArray(lanes, 5 * L);
        c2.intoArray(lanes, 6 * L);
        c3.intoArray(lanes, 7 * L);
        sumTileLanes(lanes);
        storeTile(out, row0, rowCount, outStride, firstB, count, lanes);
    }

    /**
     * The {@code L} floats at {@code lanes[from]} summed by a fixed halving tree (upper half onto
     * lower half, down to one), in place. Not {@code reduceLanes(ADD)}: its order is unspecified
     * and may differ between the interpreter and compiled code, hence between two calls in one
     * run. Done in scalar code after one vector store, which also keeps the kernels small enough
     * for the JIT to compile their vector operations without boxing.
     */
    private static float sumLanes(float[] lanes, int from) {
        for (int half = L / 2; half > 0; half /= 2) {
            for (int i = from; i < from + half; i++) {
                lanes[i] += lanes[i + half];
            }
        }
        return lanes[from];
    }

    /**
     * The tile's eight lane groups ({@code [gL, gL+L)}, {@code g = 4·row + input}) each summed by
     * {@link #sumLanes}; the sums are left at {@code lanes[TILE_SUMS + g]}.
     */
    private static void sumTileLanes(float[] lanes) {
        for (int g = 0; g < TILE_ROWS * GROUP; g++) {
            lanes[TILE_SUMS + g] = sumLanes(lanes, g * L);
        }
    }

    private static void checkTile(int count, int rowCount) {
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

    /** Lanes {@code [part·L, part·L + L)} of {@code 2L} quants as floats. */
    private static FloatVector widen(ByteVector quants, int part) {
        return (FloatVector) quants.convertShape(VectorOperators.B2F, F, part);
    }

    /**
     * Packed Q4_0 bytes zero-extended to int lanes once: nibbles are cut there since x86 has no
     * byte shift, and after zero extension the high nibble needs no mask.
     */
    private static IntVector widenPacked(MemorySegment w, long at) {
        return (IntVector) ByteVector.fromMemorySegment(B, w, at, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
    }

    private static FloatVector toFloat(IntVector v) {
        return (FloatVector) v.convert(VectorOperators.I2F, 0);
    }
}
