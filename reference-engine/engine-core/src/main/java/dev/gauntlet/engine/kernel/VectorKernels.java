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
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels for one weight row: dot products and row decoders. {@link ScalarKernels}
 * holds the reference each is tested against.
 *
 * <p>Quantized kernels sum each block's 32 products of small integers in float lanes, which is
 * exact (every partial sum is below 2<sup>24</sup>), then scale the block by both scales, as
 * llama.cpp's SIMD kernels do.
 */
public final class VectorKernels {
    /** 16 float lanes with AVX-512, else 8: a Q8_0/Q4_0 block is then a whole number of vectors. */
    private static final VectorSpecies<Float> F =
            FloatVector.SPECIES_PREFERRED.length() >= 16 ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
    private static final int L = F.length();
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

    /** Input vectors the batched kernels handle per pass over a row: four accumulators fit registers easily. */
    public static final int GROUP = 4;

    private VectorKernels() {
    }

    /**
     * Σ w[i]·x[xOffset+i] over {@code n} little-endian floats at byte {@code offset} of {@code w}
     * (a mapped F32 row, or a heap segment over a decoded row).
     */
    public static float dot(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        // Two accumulators so consecutive FMAs do not wait on each other's latency.
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int i = 0;
        for (int bound = n - n % (2 * L); i < bound; i += 2 * L) {
            acc0 = FloatVector.fromMemorySegment(F, w, offset + 4L * i, LE).fma(FloatVector.fromArray(F, x, xOffset + i), acc0);
            acc1 = FloatVector.fromMemorySegment(F, w, offset + 4L * (i + L), LE)
                    .fma(FloatVector.fromArray(F, x, xOffset + i + L), acc1);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += w.get(F32, offset + 4L * i) * x[xOffset + i];
        }
        return sum;
    }

    /**
     * One float row ({@code n} values at byte {@code offset} of {@code w}) dotted with up to
     * {@link #GROUP} consecutive input vectors of {@code x} (vector {@code b} at {@code b*n}),
     * each weight vector loaded once for all of them: sets {@code out[outIndex + b*outStride]}
     * for {@code b} in {@code [firstB, firstB + count)}.
     */
    public static void dotGroup(MemorySegment w, long offset, int n, float[] x, int firstB, int count,
            float[] out, int outIndex, int outStride) {
        int[] xo = groupOffsets(firstB, count, n);
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector wv = FloatVector.fromMemorySegment(F, w, offset + 4L * i, LE);
            a0 = wv.fma(FloatVector.fromArray(F, x, xo[0] + i), a0);
            a1 = wv.fma(FloatVector.fromArray(F, x, xo[1] + i), a1);
            a2 = wv.fma(FloatVector.fromArray(F, x, xo[2] + i), a2);
            a3 = wv.fma(FloatVector.fromArray(F, x, xo[3] + i), a3);
        }
        float[] sums = {a0.reduceLanes(VectorOperators.ADD), a1.reduceLanes(VectorOperators.ADD),
            a2.reduceLanes(VectorOperators.ADD), a3.reduceLanes(VectorOperators.ADD)};
        for (; i < n; i++) {
            float wi = w.get(F32, offset + 4L * i);
            for (int g = 0; g < GROUP; g++) {
                sums[g] += wi * x[xo[g] + i];
            }
        }
        store(sums, firstB, count, out, outIndex, outStride);
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

    /** Q8_0 weights ({@code blocks} blocks at byte {@code offset}) dotted with vector {@code b} of {@code x}. */
    public static float dotQ8_0(MemorySegment w, long offset, int blocks, Q8Activations x, int b) {
        float[] xq = x.q();
        float[] xd = x.d();
        int xo = b * x.cols();
        int dOff = b * blocks;
        FloatVector acc = FloatVector.zero(F);
        for (int k = 0; k < blocks; k++, offset += Q8_BYTES, xo += BLOCK) {
            FloatVector s = FloatVector.zero(F);
            for (int p = 0; p < BLOCK; p += L) {
                FloatVector wv = widen(ByteVector.fromMemorySegment(B, w, offset + 2 + p, LE));
                s = wv.fma(FloatVector.fromArray(F, xq, xo + p), s);
            }
            acc = s.fma(FloatVector.broadcast(F, Float16.toFloat(w.get(I16, offset)) * xd[dOff + k]), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** Q4_0 weights ({@code blocks} blocks at byte {@code offset}) dotted with vector {@code b} of {@code x}. */
    public static float dotQ4_0(MemorySegment w, long offset, int blocks, Q8Activations x, int b) {
        float[] xq = x.q();
        float[] xd = x.d();
        int xo = b * x.cols();
        int dOff = b * blocks;
        FloatVector acc = FloatVector.zero(F);
        for (int k = 0; k < blocks; k++, offset += Q4_BYTES, xo += BLOCK) {
            FloatVector s = FloatVector.zero(F);
            for (int p = 0; p < HALF; p += L) {
                IntVector packed = widenPacked(w, offset + 2 + p);
                s = lowNibbles(packed).fma(FloatVector.fromArray(F, xq, xo + p), s);
                s = highNibbles(packed).fma(FloatVector.fromArray(F, xq, xo + HALF + p), s);
            }
            acc = s.fma(FloatVector.broadcast(F, Float16.toFloat(w.get(I16, offset)) * xd[dOff + k]), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** Unpacks {@code blocks} Q8_0 blocks into integer values {@code q} and scales {@code d}. */
    public static void decodeQ8_0(MemorySegment w, long offset, int blocks, float[] q, float[] d) {
        for (int k = 0; k < blocks; k++, offset += Q8_BYTES) {
            d[k] = Float16.toFloat(w.get(I16, offset));
            for (int p = 0; p < BLOCK; p += L) {
                widen(ByteVector.fromMemorySegment(B, w, offset + 2 + p, LE)).intoArray(q, k * BLOCK + p);
            }
        }
    }

    /** Unpacks {@code blocks} Q4_0 blocks into integer values {@code q} and scales {@code d}. */
    public static void decodeQ4_0(MemorySegment w, long offset, int blocks, float[] q, float[] d) {
        for (int k = 0; k < blocks; k++, offset += Q4_BYTES) {
            d[k] = Float16.toFloat(w.get(I16, offset));
            for (int p = 0; p < HALF; p += L) {
                IntVector packed = widenPacked(w, offset + 2 + p);
                lowNibbles(packed).intoArray(q, k * BLOCK + p);
                highNibbles(packed).intoArray(q, k * BLOCK + HALF + p);
            }
        }
    }

    /**
     * A row unpacked by {@link #decodeQ8_0} or {@link #decodeQ4_0} dotted with up to
     * {@link #GROUP} consecutive vectors of {@code x}, each unpacked weight vector loaded once
     * for all of them: sets {@code out[outIndex + b*outStride]} for {@code b} in
     * {@code [firstB, firstB + count)}. This is the batch path.
     */
    public static void dotUnpackedGroup(float[] q, float[] d, int blocks, Q8Activations x, int firstB, int count,
            float[] out, int outIndex, int outStride) {
        float[] xq = x.q();
        float[] xd = x.d();
        int[] xo = groupOffsets(firstB, count, x.cols());
        int[] dOff = groupOffsets(firstB, count, blocks);
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (int k = 0; k < blocks; k++) {
            int base = k * BLOCK;
            FloatVector s0 = FloatVector.zero(F);
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            for (int p = base; p < base + BLOCK; p += L) {
                FloatVector wv = FloatVector.fromArray(F, q, p);
                s0 = wv.fma(FloatVector.fromArray(F, xq, xo[0] + p), s0);
                s1 = wv.fma(FloatVector.fromArray(F, xq, xo[1] + p), s1);
                s2 = wv.fma(FloatVector.fromArray(F, xq, xo[2] + p), s2);
                s3 = wv.fma(FloatVector.fromArray(F, xq, xo[3] + p), s3);
            }
            float dw = d[k];
            a0 = s0.fma(FloatVector.broadcast(F, dw * xd[dOff[0] + k]), a0);
            a1 = s1.fma(FloatVector.broadcast(F, dw * xd[dOff[1] + k]), a1);
            a2 = s2.fma(FloatVector.broadcast(F, dw * xd[dOff[2] + k]), a2);
            a3 = s3.fma(FloatVector.broadcast(F, dw * xd[dOff[3] + k]), a3);
        }
        float[] sums = {a0.reduceLanes(VectorOperators.ADD), a1.reduceLanes(VectorOperators.ADD),
            a2.reduceLanes(VectorOperators.ADD), a3.reduceLanes(VectorOperators.ADD)};
        store(sums, firstB, count, out, outIndex, outStride);
    }

    /** Start of each of the group's vectors; a short group repeats its last vector (computed, not stored). */
    private static int[] groupOffsets(int firstB, int count, int stride) {
        if (count < 1 || count > GROUP) {
            throw new IllegalArgumentException("group of " + count + " vectors (1 to " + GROUP + ")");
        }
        int[] offsets = new int[GROUP];
        for (int g = 0; g < GROUP; g++) {
            offsets[g] = (firstB + Math.min(g, count - 1)) * stride;
        }
        return offsets;
    }

    private static void store(float[] sums, int firstB, int count, float[] out, int outIndex, int outStride) {
        for (int g = 0; g < count; g++) {
            out[outIndex + (firstB + g) * outStride] = sums[g];
        }
    }

    private static FloatVector widen(ByteVector v) {
        return (FloatVector) v.convertShape(VectorOperators.B2F, F, 0);
    }

    /** Packed Q4_0 bytes widened to int lanes once; nibbles are cut there since x86 has no byte shift. */
    private static IntVector widenPacked(MemorySegment w, long at) {
        return (IntVector) ByteVector.fromMemorySegment(B, w, at, LE).convertShape(VectorOperators.B2I, I, 0);
    }

    private static FloatVector lowNibbles(IntVector packed) {
        return (FloatVector) packed.and(0x0F).sub(8).convert(VectorOperators.I2F, 0);
    }

    private static FloatVector highNibbles(IntVector packed) {
        return (FloatVector) packed.lanewise(VectorOperators.ASHR, 4).and(0x0F).sub(8).convert(VectorOperators.I2F, 0);
    }
}
