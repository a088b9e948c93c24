package dev.gauntlet.engine.kernel;

import dev.gauntlet.engine.tensor.Float16;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
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
    private static final int BLOCK = ActivationQuantizer.BLOCK;
    private static final int HALF = BLOCK / 2;
    private static final int Q8_BYTES = 34;
    private static final int Q4_BYTES = 18;
    /** 2<sup>112</sup>: rebiases an fp16 exponent (bias 15) shifted into float position (bias 127). */
    private static final float F16_REBIAS = 0x1p112f;

    private VectorKernels() {
    }

    /**
     * Σ w[i]·x[xOffset+i] over {@code n} little-endian floats at byte {@code offset} of {@code w}
     * (a mapped F32 row, or a heap segment over a decoded row).
     */
    public static float dot(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        FloatVector acc = FloatVector.zero(F);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector wv = FloatVector.fromMemorySegment(F, w, offset + 4L * i, LE, m);
            acc = wv.fma(FloatVector.fromArray(F, x, xOffset + i, m), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
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
                ByteVector packed = ByteVector.fromMemorySegment(B, w, offset + 2 + p, LE);
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
                ByteVector packed = ByteVector.fromMemorySegment(B, w, offset + 2 + p, LE);
                lowNibbles(packed).intoArray(q, k * BLOCK + p);
                highNibbles(packed).intoArray(q, k * BLOCK + HALF + p);
            }
        }
    }

    /**
     * A row unpacked by {@link #decodeQ8_0} or {@link #decodeQ4_0} dotted with vector {@code b}
     * of {@code x}: the batch path, which unpacks a row once for every vector of the batch.
     */
    public static float dotUnpacked(float[] q, float[] d, int blocks, Q8Activations x, int b) {
        float[] xq = x.q();
        float[] xd = x.d();
        int xo = b * x.cols();
        int dOff = b * blocks;
        FloatVector acc = FloatVector.zero(F);
        for (int k = 0; k < blocks; k++) {
            int base = k * BLOCK;
            FloatVector s = FloatVector.fromArray(F, q, base).mul(FloatVector.fromArray(F, xq, xo + base));
            for (int p = L; p < BLOCK; p += L) {
                s = FloatVector.fromArray(F, q, base + p).fma(FloatVector.fromArray(F, xq, xo + base + p), s);
            }
            acc = s.fma(FloatVector.broadcast(F, d[k] * xd[dOff + k]), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    private static FloatVector widen(ByteVector v) {
        return (FloatVector) v.convertShape(VectorOperators.B2F, F, 0);
    }

    private static FloatVector lowNibbles(ByteVector packed) {
        return widen(packed.and((byte) 0x0F).sub((byte) 8));
    }

    private static FloatVector highNibbles(ByteVector packed) {
        return widen(packed.lanewise(VectorOperators.LSHR, 4).sub((byte) 8));
    }
}
