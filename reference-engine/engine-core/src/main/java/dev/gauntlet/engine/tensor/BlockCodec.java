package dev.gauntlet.engine.tensor;

import dev.gauntlet.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Scalar encoders and decoders for GGUF element types, bit-compatible with llama.cpp's
 * reference quantizers ({@code quantize_row_q8_0_ref}, {@code quantize_row_q4_0_ref}), so that
 * tensors written here read back in llama.cpp unchanged and vice versa.
 */
public final class BlockCodec {
    /** Elements per Q8_0 and Q4_0 block. */
    public static final int BLOCK = 32;
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int Q4_HALF = BLOCK / 2;

    private BlockCodec() {
    }

    /**
     * Encodes {@code n} values {@code src[srcOffset ..]} as {@code type} into {@code dst} at
     * {@code dstOffset}, writing {@code type.bytesFor(n)} bytes.
     *
     * @throws IllegalArgumentException if {@code n} is not a whole number of blocks
     */
    public static void encode(GgmlType type, float[] src, int srcOffset, int n, MemorySegment dst, long dstOffset) {
        long bytes = type.bytesFor(n);
        switch (type) {
            case F32 -> {
                for (int i = 0; i < n; i++) {
                    dst.set(F32, dstOffset + 4L * i, src[srcOffset + i]);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    dst.set(I16, dstOffset + 2L * i, Float16.toBits(src[srcOffset + i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    dst.set(I16, dstOffset + 2L * i, toBf16(src[srcOffset + i]));
                }
            }
            case Q8_0 -> {
                for (long b = 0; b < bytes; b += type.blockBytes(), srcOffset += BLOCK) {
                    encodeQ8_0Block(src, srcOffset, dst, dstOffset + b);
                }
            }
            case Q4_0 -> {
                for (long b = 0; b < bytes; b += type.blockBytes(), srcOffset += BLOCK) {
                    encodeQ4_0Block(src, srcOffset, dst, dstOffset + b);
                }
            }
        }
    }

    /** Encodes all of {@code src} as {@code type} into a new little-endian byte array. */
    public static byte[] encode(GgmlType type, float[] src) {
        byte[] out = new byte[Math.toIntExact(type.bytesFor(src.length))];
        encode(type, src, 0, src.length, MemorySegment.ofArray(out), 0);
        return out;
    }

    /**
     * Decodes {@code n} elements of {@code type} at {@code srcOffset} of {@code src} into
     * {@code dst[dstOffset ..]}: the exact value each element stands for.
     */
    public static void decode(GgmlType type, MemorySegment src, long srcOffset, int n, float[] dst, int dstOffset) {
        switch (type) {
            case F32 -> {
                for (int i = 0; i < n; i++) {
                    dst[dstOffset + i] = src.get(F32, srcOffset + 4L * i);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    dst[dstOffset + i] = Float16.toFloat(src.get(I16, srcOffset + 2L * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    dst[dstOffset + i] = fromBf16(src.get(I16, srcOffset + 2L * i));
                }
            }
            case Q8_0 -> {
                for (int i = 0; i < n; i += BLOCK, srcOffset += type.blockBytes()) {
                    float d = Float16.toFloat(src.get(I16, srcOffset));
                    for (int j = 0; j < BLOCK; j++) {
                        dst[dstOffset + i + j] = src.get(ValueLayout.JAVA_BYTE, srcOffset + 2 + j) * d;
                    }
                }
            }
            case Q4_0 -> {
                for (int i = 0; i < n; i += BLOCK, srcOffset += type.blockBytes()) {
                    float d = Float16.toFloat(src.get(I16, srcOffset));
                    for (int j = 0; j < Q4_HALF; j++) {
                        int packed = src.get(ValueLayout.JAVA_BYTE, srcOffset + 2 + j);
                        dst[dstOffset + i + j] = ((packed & 0x0F) - 8) * d;
                        dst[dstOffset + i + j + Q4_HALF] = (((packed >> 4) & 0x0F) - 8) * d;
                    }
                }
            }
        }
    }

    /** The float value of bfloat16 bits: the top half of an IEEE float. */
    public static float fromBf16(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }

    /** The bfloat16 nearest to {@code value} (ties to even, NaN kept quiet), as llama.cpp rounds. */
    public static short toBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /** The Q8_0 scale of a block whose largest magnitude is {@code amax}, before fp16 rounding. */
    static float q8Scale(float amax) {
        return amax / 127f;
    }

    private static void encodeQ8_0Block(float[] src, int off, MemorySegment dst, long at) {
        float amax = 0f;
        for (int j = 0; j < BLOCK; j++) {
            amax = Math.max(amax, Math.abs(src[off + j]));
        }
        float d = q8Scale(amax);
        // llama.cpp scales by the unrounded 1/d and rounds half away from zero (roundf).
        float id = d != 0f ? 1f / d : 0f;
        dst.set(I16, at, Float16.toBits(d));
        for (int j = 0; j < BLOCK; j++) {
            float v = src[off + j] * id;
            dst.set(ValueLayout.JAVA_BYTE, at + 2 + j, (byte) (Math.signum(v) * Math.round(Math.abs(v))));
        }
    }

    private static void encodeQ4_0Block(float[] src, int off, MemorySegment dst, long at) {
        // The signed value of largest magnitude maps to -8, so the full 4-bit range is used on that side.
        float amax = 0f;
        float max = 0f;
        for (int j = 0; j < BLOCK; j++) {
            float v = src[off + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -8f;
        float id = d != 0f ? 1f / d : 0f;
        dst.set(I16, at, Float16.toBits(d));
        for (int j = 0; j < Q4_HALF; j++) {
            int lo = Math.min(15, (int) (src[off + j] * id + 8.5f));
            int hi = Math.min(15, (int) (src[off + j + Q4_HALF] * id + 8.5f));
            dst.set(ValueLayout.JAVA_BYTE, at + 2 + j, (byte) (lo | hi << 4));
        }
    }
}
