package dev.gauntlet.engine.gguf;

import java.util.Arrays;
import java.util.Objects;

/**
 * One metadata value with its exact GGUF type, so that a file read and written back is identical.
 *
 * <p>Scalars are boxed Java values (unsigned types are widened: UINT32 as {@code Long}, UINT8 and
 * UINT16 as {@code Integer}). Arrays are primitive Java arrays of the widened element type, or
 * {@code String[]}; arrays of arrays are {@code GgufValue[]}.
 */
public record GgufValue(GgufValueType type, GgufValueType elementType, Object value) {

    public GgufValue {
        Objects.requireNonNull(type);
        Objects.requireNonNull(value);
        if (type == GgufValueType.ARRAY) {
            Objects.requireNonNull(elementType, "array element type");
        }
    }

    public static GgufValue ofString(String s) {
        return new GgufValue(GgufValueType.STRING, null, s);
    }

    public static GgufValue ofUint32(long v) {
        return new GgufValue(GgufValueType.UINT32, null, v);
    }

    public static GgufValue ofInt32(int v) {
        return new GgufValue(GgufValueType.INT32, null, v);
    }

    public static GgufValue ofFloat32(float v) {
        return new GgufValue(GgufValueType.FLOAT32, null, v);
    }

    public static GgufValue ofBool(boolean v) {
        return new GgufValue(GgufValueType.BOOL, null, v);
    }

    public static GgufValue ofStrings(String[] v) {
        return new GgufValue(GgufValueType.ARRAY, GgufValueType.STRING, v);
    }

    public static GgufValue ofFloats(float[] v) {
        return new GgufValue(GgufValueType.ARRAY, GgufValueType.FLOAT32, v);
    }

    public static GgufValue ofInts(int[] v) {
        return new GgufValue(GgufValueType.ARRAY, GgufValueType.INT32, v);
    }

    /** Any integer type as a long. */
    public long asLong() {
        if (value instanceof Number n && !(value instanceof Float) && !(value instanceof Double)) {
            return n.longValue();
        }
        throw new GgufFormatException("expected an integer, found " + type);
    }

    /** Any numeric type as a double. */
    public double asDouble() {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw new GgufFormatException("expected a number, found " + type);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufValue other
                && type == other.type
                && elementType == other.elementType
                && Arrays.deepEquals(new Object[] {value}, new Object[] {other.value});
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, elementType, Arrays.deepHashCode(new Object[] {value}));
    }

    @Override
    public String toString() {
        return type == GgufValueType.ARRAY
                ? "ARRAY<" + elementType + ">[" + java.lang.reflect.Array.getLength(value) + "]"
                : String.valueOf(value);
    }
}
