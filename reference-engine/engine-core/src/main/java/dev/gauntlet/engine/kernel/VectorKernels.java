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
 * <p><b>One operation sequence per input.</b> Every dot product here, of any weight type and
 * whether its input is alone or in a group, runs the same floating-point operations in the same
 * order on the row's values {@code w[i]} (dequantized exactly, see below): vector {@code j} of
 * {@code L} lanes, covering elements {@code [jL, jL+L)}, is fused-multiply-added into accumulator
 * {@code j mod 4} while whole steps of four vectors remain, the leftover whole vectors into
 * accumulator 0; the accumulators are then added as {@code (a0+a1)+(a2+a3)}, the lanes summed by
 * a fixed halving tree ({@link #sumLanes}), and the elements past the last whole vector added one
 * by one in order. An input's result is therefore bit-for-bit the same whatever batch it rides
 * in: the group kernels only interleave the sequences of their inputs. Four accumulators keep
 * four independent FMA chains in flight, which a single input needs to outrun memory.
 *
 * <p><b>Quantized weights.</b> Q8_0 and Q4_0 values are dequantized exactly: a block's integer
 * (at most 8 bits) times its fp16 scale (11 significant bits) fits a float's 24, and so does an
 * input's Q8_0 value times its scale. The kernels therefore multiply-add dequantized weights and
 * inputs lane by lane, with both block scales folded into the operands, instead of summing each
 * block's integer products exactly and scaling the sum as llama.cpp does. That rounds once per
 * product rather than once per block, a difference of the order of F32 accumulation error, and
 * it costs two FMAs per 32 elements per input instead of three plus a scalar scale product; it
 * also makes the packed single-input kernels the very sequence {@link #dot} runs over a
 * dequantized row, which the batch path uses.
 */
public final class VectorKernels {
    /** 16 float lanes with AVX-512, else 8: a Q8_0/Q4_0 block is then a whole number of vectors. */
    private static final VectorSpecies<Float> F =
            FloatVector.SPECIES_PREFERRED.length() >= 16 ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
    private static final int L = F.length();
    /** Elements per step of the main loop: one vector for each of the four accumulators. */
    private static final int STEP = 4 * L;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    private static final int BLOCK = ActivationQuantizer.BLOCK;
    private static final int HALF = BLOCK / 2;
    private static final int Q8_BYTES = 34;
    private static final int Q4_BYTES = 18;
    /** 2<sup>112</sup>: rebiases an fp16 exponent (bias 15) shifted into float position (bias 127). */
    private static final float F16_REBIAS = 0x1p112f;
    /** Lane rotations by L/2, L/4, ..., 1: adding each to the vector leaves the lane sum in lane 0. */
    private static final VectorShuffle<Float>[] HALVINGS = halvings();

    /** Input vectors the batched kernels handle per pass over a row: 16 accumulators fit the registers. */
    public static final int GROUP = 4;

    private VectorKernels() {
    }

    /**
     * Σ w[i]·x[xOffset+i] over {@code n} little-endian floats at byte {@code offset} of {@code w}
     * (a mapped F32 row, or a heap segment over a decoded row).
     */
    public static float dot(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int i = 0;
        for (int bound = n - n % STEP; i < bound; i += STEP) {
            a0 = floats(w, offset, i).fma(FloatVector.fromArray(F, x, xOffset + i), a0);
            a1 = floats(w, offset, i + L).fma(FloatVector.fromArray(F, x, xOffset + i + L), a1);
            a2 = floats(w, offset, i + 2 * L).fma(FloatVector.fromArray(F, x, xOffset + i + 2 * L), a2);
            a3 = floats(w, offset, i + 3 * L).fma(FloatVector.fromArray(F, x, xOffset + i + 3 * L), a3);
        }
        for (; i <= n - L; i += L) {
            a0 = floats(w, offset, i).fma(FloatVector.fromArray(F, x, xOffset + i), a0);
        }
        float sum = sumLanes(a0, a1, a2, a3);
        for (; i < n; i++) {
            sum += w.get(F32, offset + 4L * i) * x[xOffset + i];
        }
        return sum;
    }

    /**
     * One float row ({@code n} values at byte {@code offset} of {@code w}) dotted with up to
     * {@link #GROUP} consecutive input vectors of {@code x} (vector {@code b} at {@code b*n}),
     * each weight vector loaded once for all of them: sets {@code out[outIndex + b*outStride]}
     * for {@code b} in {@code [firstB, firstB + count)}. Each result equals {@link #dot}'s bit for bit.
     */
    public static void dotGroup(MemorySegment w, long offset, int n, float[] x, int firstB, int count,
            float[] out, int outIndex, int outStride) {
        if (count < 1 || count > GROUP) {
            throw new IllegalArgumentException("group of " + count + " vectors (1 to " + GROUP + ")");
        }
        // A short group repeats its last vector: computed alongside, never stored.
        int x0 = firstB * n;
        int x1 = (firstB + Math.min(1, count - 1)) * n;
        int x2 = (firstB + Math.min(2, count - 1)) * n;
        int x3 = (firstB + count - 1) * n;
        FloatVector z = FloatVector.zero(F);
        FloatVector a00 = z, a01 = z, a02 = z, a03 = z;
        FloatVector a10 = z, a11 = z, a12 = z, a13 = z;
        FloatVector a20 = z, a21 = z, a22 = z, a23 = z;
        FloatVector a30 = z, a31 = z, a32 = z, a33 = z;
        int i = 0;
        for (int bound = n - n % STEP; i < bound; i += STEP) {
            FloatVector w0 = floats(w, offset, i);
            FloatVector w1 = floats(w, offset, i + L);
            FloatVector w2 = floats(w, offset, i + 2 * L);
            FloatVector w3 = floats(w, offset, i + 3 * L);
            a00 = w0.fma(FloatVector.fromArray(F, x, x0 + i), a00);
            a01 = w1.fma(FloatVector.fromArray(F, x, x0 + i + L), a01);
            a02 = w2.fma(FloatVector.fromArray(F, x, x0 + i + 2 * L), a02);
            a03 = w3.fma(FloatVector.fromArray(F, x, x0 + i + 3 * L), a03);
            a10 = w0.fma(FloatVector.fromArray(F, x, x1 + i), a10);
            a11 = w1.fma(FloatVector.fromArray(F, x, x1 + i + L), a11);
            a12 = w2.fma(FloatVector.fromArray(F, x, x1 + i + 2 * L), a12);
            a13 = w3.fma(FloatVector.fromArray(F, x, x1 + i + 3 * L), a13);
            a20 = w0.fma(FloatVector.fromArray(F, x, x2 + i), a20);
            a21 = w1.fma(FloatVector.fromArray(F, x, x2 + i + L), a21);
            a22 = w2.fma(FloatVector.fromArray(F, x, x2 + i + 2 * L), a22);
            a23 = w3.fma(FloatVector.fromArray(F, x, x2 + i + 3 * L), a23);
            a30 = w0.fma(FloatVector.fromArray(F, x, x3 + i), a30);
            a31 = w1.fma(FloatVector.fromArray(F, x, x3 + i + L), a31);
            a32 = w2.fma(FloatVector.fromArray(F, x, x3 + i + 2 * L), a32);
            a33 = w3.fma(FloatVector.fromArray(F, x, x3 + i + 3 * L), a33);
        }
        for (; i <= n - L; i += L) {
            FloatVector w0 = floats(w, offset, i);
            a00 = w0.fma(FloatVector.fromArray(F, x, x0 + i), a00);
            a10 = w0.fma(FloatVector.fromArray(F, x, x1 + i), a10);
            a20 = w0.fma(FloatVector.fromArray(F, x, x2 + i), a20);
            a30 = w0.fma(FloatVector.fromArray(F, x, x3 + i), a30);
        }
        float s0 = sumLanes(a00, a01, a02, a03);
        float s1 = sumLanes(a10, a11, a12, a13);
        float s2 = sumLanes(a20, a21, a22, a23);
        float s3 = sumLanes(a30, a31, a32, a33);
        for (; i < n; i++) {
            float wi = w.get(F32, offset + 4L * i);
            s0 += wi * x[x0 + i];
            s1 += wi * x[x1 + i];
            s2 += wi * x[x2 + i];
            s3 += wi * x[x3 + i];
        }
        out[outIndex + firstB * outStride] = s0;
        if (count > 1) {
            out[outIndex + (firstB + 1) * outStride] = s1;
        }
        if (count > 2) {
            out[outIndex + (firstB + 2) * outStride] = s2;
        }
        if (count > 3) {
            out[outIndex + (firstB + 3) * outStride] = s3;
        }
    }

    /** Widens {@code n} F16 values at byte {@code offset} of {@code w} into {@code dst[0, n)}. */
    public static void decodeF16(MemorySegment w, long offset, int n, float[] dst) {
        int i = 0;
        for (; i < S.loopBound(n); i += L) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(S, w, offset + 2L * i, LE)
                    .convertShape(VectorOperators.S2I, I, 0);
            // Magnitude bits moved to float position, then rescaled: exact for normals and subnormals.
            IntVector mag = h.and(0x7FFF).lanewise(VectorOperators.LSHL, 13);
            IntVector bits = mag.reinterpretAsFloats().mul(F16_REBIAS).reinterpretAsInts();
            // Exponent 31 (inf, NaN) must become float exponent 255 with the payload kept.
            bits = bits.blend(mag.or(0x7F800000), h.and(0x7C00).eq(0x7C00));
            bits.or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats().intoArray(dst, i);
        }
        for (; i < n; i++) {
            dst[i] = Float16.toFloat(w.get(I16, offset + 2L * i));
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
     * Q8_0 weights ({@code n} values, a multiple of 32, at byte {@code offset} of {@code w})
     * dotted with dequantized Q8_0 inputs {@code x[xOffset, xOffset+n)} straight from the packed
     * blocks: bit for bit {@link #dot} over the row {@link #decodeQ8_0} gives.
     */
    public static float dotQ8_0(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        return dotPacked(false, w, offset, x, xOffset, n);
    }

    /** As {@link #dotQ8_0}, for Q4_0 weights: bit for bit {@link #dot} over {@link #decodeQ4_0}'s row. */
    public static float dotQ4_0(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        return dotPacked(true, w, offset, x, xOffset, n);
    }

    /** Dequantizes {@code n} Q8_0 values (a multiple of 32) at byte {@code offset} into {@code dst[0, n)}, exactly. */
    public static void decodeQ8_0(MemorySegment w, long offset, int n, float[] dst) {
        decodePacked(false, w, offset, n, dst);
    }

    /** Dequantizes {@code n} Q4_0 values (a multiple of 32) at byte {@code offset} into {@code dst[0, n)}, exactly. */
    public static void decodeQ4_0(MemorySegment w, long offset, int n, float[] dst) {
        decodePacked(true, w, offset, n, dst);
    }

    /**
     * {@link #dot}'s sequence with each weight vector dequantized from the blocks on the fly. The
     * flag is loop-invariant, so the JIT unswitches the loops into one copy per format.
     */
    private static float dotPacked(boolean q4, MemorySegment w, long offset, float[] x, int xOffset, int n) {
        long blockBytes = q4 ? Q4_BYTES : Q8_BYTES;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int i = 0;
        for (int bound = n - n % STEP; i < bound; i += STEP) {
            // A step starts a block (STEP is 32 or 64), so each vector's place in it is a constant.
            long block = offset + i / BLOCK * blockBytes;
            a0 = packed(q4, w, block, 0).fma(FloatVector.fromArray(F, x, xOffset + i), a0);
            a1 = packed(q4, w, block, L).fma(FloatVector.fromArray(F, x, xOffset + i + L), a1);
            a2 = packed(q4, w, block, 2 * L).fma(FloatVector.fromArray(F, x, xOffset + i + 2 * L), a2);
            a3 = packed(q4, w, block, 3 * L).fma(FloatVector.fromArray(F, x, xOffset + i + 3 * L), a3);
        }
        for (; i < n; i += L) {
            a0 = packed(q4, w, offset + i / BLOCK * blockBytes, i % BLOCK)
                    .fma(FloatVector.fromArray(F, x, xOffset + i), a0);
        }
        return sumLanes(a0, a1, a2, a3);
    }

    private static void decodePacked(boolean q4, MemorySegment w, long offset, int n, float[] dst) {
        long blockBytes = q4 ? Q4_BYTES : Q8_BYTES;
        for (int i = 0; i < n; i += BLOCK, offset += blockBytes) {
            for (int p = 0; p < BLOCK; p += L) {
                packed(q4, w, offset, p).intoArray(dst, i + p);
            }
        }
    }

    /**
     * The {@code L} dequantized weights from element {@code e} on of the blocks starting at byte
     * {@code block} ({@code e} a multiple of {@code L}, possibly in a later block).
     */
    private static FloatVector packed(boolean q4, MemorySegment w, long block, int e) {
        int within = e % BLOCK;
        if (q4) {
            long at = block + e / BLOCK * Q4_BYTES;
            // Nibbles are cut on int lanes: x86 has no byte shift.
            IntVector bytes = (IntVector) ByteVector.fromMemorySegment(B, w, at + 2 + within % HALF, LE)
                    .convertShape(VectorOperators.B2I, I, 0);
            IntVector nibbles = within < HALF ? bytes.and(0x0F) : bytes.lanewise(VectorOperators.ASHR, 4).and(0x0F);
            return ((FloatVector) nibbles.sub(8).convert(VectorOperators.I2F, 0)).mul(scale(w, at));
        }
        long at = block + e / BLOCK * Q8_BYTES;
        return ((FloatVector) ByteVector.fromMemorySegment(B, w, at + 2 + within, LE)
                .convertShape(VectorOperators.B2F, F, 0)).mul(scale(w, at));
    }

    /** The fp16 scale heading the block at byte {@code block}. */
    private static float scale(MemorySegment w, long block) {
        return Float16.toFloat(w.get(I16, block));
    }

    private static FloatVector floats(MemorySegment w, long offset, int i) {
        return FloatVector.fromMemorySegment(F, w, offset + 4L * i, LE);
    }

    /**
     * {@code (a0+a1)+(a2+a3)} summed across lanes by a fixed halving tree. Not
     * {@code reduceLanes(ADD)}: its order is unspecified and may differ between the interpreter
     * and compiled code, and therefore between two calls in one run.
     */
    private static float sumLanes(FloatVector a0, FloatVector a1, FloatVector a2, FloatVector a3) {
        FloatVector v = a0.add(a1).add(a2.add(a3));
        for (VectorShuffle<Float> rotation : HALVINGS) {
            v = v.add(v.rearrange(rotation));
        }
        return v.lane(0);
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] halvings() {
        VectorShuffle<Float>[] rotations = new VectorShuffle[Integer.numberOfTrailingZeros(L)];
        for (int k = 0; k < rotations.length; k++) {
            rotations[k] = VectorShuffle.iota(F, L >> (k + 1), 1, true);
        }
        return rotations;
    }
}
