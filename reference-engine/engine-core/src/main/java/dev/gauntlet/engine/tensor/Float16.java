package dev.gauntlet.engine.tensor;

/**
 * IEEE 754 binary16 ("fp16") helpers, rounding as llama.cpp does: round to nearest, ties to even.
 */
public final class Float16 {
    private Float16() {
    }

    /** The fp16 bit pattern nearest to {@code value} (ties to even; overflow gives infinity). */
    public static short toBits(float value) {
        return Float.floatToFloat16(value);
    }

    /** The float value of fp16 bits {@code bits}; exact for every fp16 value, NaNs included. */
    public static float toFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    /** {@code value} rounded to the nearest fp16 value and widened back to float. */
    public static float round(float value) {
        return Float.float16ToFloat(Float.floatToFloat16(value));
    }
}
