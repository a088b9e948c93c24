package dev.gauntlet.engine.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A GGUF v3 file, memory-mapped: metadata is parsed eagerly, tensor data stays in the mapping.
 *
 * <p>Every count and length read from the file is checked against the bytes that remain, so a
 * truncated or corrupted file fails with a {@link GgufFormatException} naming what is wrong,
 * instead of an out-of-memory error, a JVM crash or a hang.
 */
public final class GgufFile implements AutoCloseable {
    /** "GGUF" read as a little-endian uint32. */
    public static final int MAGIC = 0x46554747;
    public static final int VERSION = 3;
    public static final int DEFAULT_ALIGNMENT = 32;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final Arena arena;
    private final Map<String, GgufValue> metadata;
    private final Map<String, GgufTensor> tensors;
    private final long dataOffset;

    private GgufFile(Path path, Arena arena, Map<String, GgufValue> metadata, Map<String, GgufTensor> tensors, long dataOffset) {
        this.path = path;
        this.arena = arena;
        this.metadata = metadata;
        this.tensors = tensors;
        this.dataOffset = dataOffset;
    }

    /**
     * Maps and parses a GGUF file.
     *
     * @throws GgufFormatException if the file is not valid GGUF v3 or uses an unsupported tensor type
     * @throws IOException if the file cannot be read
     */
    public static GgufFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return parse(path, arena, seg);
        } catch (RuntimeException | IOException e) {
            arena.close();
            if (e instanceof GgufFormatException g) {
                throw new GgufFormatException(path.getFileName() + ": " + g.getMessage());
            }
            throw e;
        }
    }

    private static GgufFile parse(Path path, Arena arena, MemorySegment seg) {
        Cursor c = new Cursor(seg);
        int magic = c.i32("magic");
        if (magic != MAGIC) {
            throw new GgufFormatException(String.format("not a GGUF file (magic 0x%08x)", magic));
        }
        int version = c.i32("version");
        if (version != VERSION) {
            throw new GgufFormatException("GGUF version " + version + " is not supported (expected 3)");
        }
        long tensorCount = c.count("tensor count", 8 + 4 + 8 + 4 + 8);
        long kvCount = c.count("metadata count", 8 + 4);
        Map<String, GgufValue> meta = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = c.string("metadata key");
            int typeId = c.i32("type of " + key);
            meta.put(key, c.value(key, GgufValueType.fromId(typeId)));
        }
        long alignment = meta.containsKey("general.alignment") ? meta.get("general.alignment").asLong() : DEFAULT_ALIGNMENT;
        if (alignment <= 0 || (alignment & (alignment - 1)) != 0) {
            throw new GgufFormatException("general.alignment " + alignment + " is not a power of two");
        }
        record Info(String name, GgmlType type, long[] dims, long offset) {}
        Info[] infos = new Info[Math.toIntExact(tensorCount)];
        for (int i = 0; i < tensorCount; i++) {
            String name = c.string("tensor name");
            int nDims = c.i32("dimensions of " + name);
            if (nDims < 1 || nDims > 4) {
                throw new GgufFormatException("tensor " + name + " has " + nDims + " dimensions (1 to 4 allowed)");
            }
            long[] dims = new long[nDims];
            for (int d = 0; d < nDims; d++) {
                dims[d] = c.i64("dimension of " + name);
                if (dims[d] <= 0 || dims[d] > seg.byteSize()) {
                    throw new GgufFormatException("tensor " + name + " has dimension " + dims[d]);
                }
            }
            int typeId = c.i32("type of " + name);
            GgmlType type;
            try {
                type = GgmlType.fromId(typeId);
            } catch (GgufFormatException e) {
                throw new GgufFormatException("tensor " + name + ": " + e.getMessage());
            }
            infos[i] = new Info(name, type, dims, c.i64("offset of " + name));
        }
        long dataOffset = alignUp(c.pos, alignment);
        Map<String, GgufTensor> tensors = new LinkedHashMap<>();
        for (Info info : infos) {
            long elements = 1;
            for (long d : info.dims) {
                elements = Math.multiplyExact(elements, d);
            }
            if (info.dims[0] % info.type.blockSize() != 0) {
                throw new GgufFormatException("tensor " + info.name + " has " + info.dims[0]
                        + " columns, not a multiple of the " + info.type + " block size " + info.type.blockSize());
            }
            long bytes = info.type.bytesFor(elements);
            long start = dataOffset + info.offset;
            if (info.offset < 0 || info.offset % alignment != 0 || start + bytes > seg.byteSize() || start + bytes < start) {
                throw new GgufFormatException("tensor " + info.name + " data [" + start + ", " + (start + bytes)
                        + ") lies outside the file (" + seg.byteSize() + " bytes): truncated or corrupted");
            }
            if (tensors.put(info.name, new GgufTensor(info.name, info.type, info.dims, seg.asSlice(start, bytes))) != null) {
                throw new GgufFormatException("tensor " + info.name + " appears twice");
            }
        }
        return new GgufFile(path, arena, Collections.unmodifiableMap(meta), Collections.unmodifiableMap(tensors), dataOffset);
    }

    static long alignUp(long pos, long alignment) {
        return (pos + alignment - 1) / alignment * alignment;
    }

    /** The file this was read from. */
    public Path path() {
        return path;
    }

    /** All metadata in file order. */
    public Map<String, GgufValue> metadata() {
        return metadata;
    }

    /** All tensors in file order. */
    public Map<String, GgufTensor> tensors() {
        return tensors;
    }

    /** Offset of the tensor data section. */
    public long dataOffset() {
        return dataOffset;
    }

    /** A tensor that must exist. */
    public GgufTensor tensor(String name) {
        GgufTensor t = tensors.get(name);
        if (t == null) {
            throw new GgufFormatException(path.getFileName() + ": missing tensor " + name);
        }
        return t;
    }

    /** A metadata value that must exist. */
    public GgufValue require(String key) {
        GgufValue v = metadata.get(key);
        if (v == null) {
            throw new GgufFormatException(path.getFileName() + ": missing metadata " + key);
        }
        return v;
    }

    /** A string value, or {@code fallback} when absent. */
    public String string(String key, String fallback) {
        GgufValue v = metadata.get(key);
        return v == null ? fallback : (String) v.value();
    }

    /** An integer value, or {@code fallback} when absent. */
    public long integer(String key, long fallback) {
        GgufValue v = metadata.get(key);
        return v == null ? fallback : v.asLong();
    }

    /** A numeric value, or {@code fallback} when absent. */
    public double number(String key, double fallback) {
        GgufValue v = metadata.get(key);
        return v == null ? fallback : v.asDouble();
    }

    /** A boolean value, or {@code fallback} when absent. */
    public boolean bool(String key, boolean fallback) {
        GgufValue v = metadata.get(key);
        return v == null ? fallback : (Boolean) v.value();
    }

    /** Unmaps the file; tensors read from it must not be used afterwards. */
    @Override
    public void close() {
        arena.close();
    }

    /** Bounds-checked little-endian reader over the mapping. */
    private static final class Cursor {
        private final MemorySegment seg;
        long pos;

        Cursor(MemorySegment seg) {
            this.seg = seg;
        }

        private void need(long bytes, String what) {
            if (bytes < 0 || pos + bytes > seg.byteSize()) {
                throw new GgufFormatException("file ends while reading " + what + " at byte " + pos + ": truncated");
            }
        }

        int i32(String what) {
            need(4, what);
            int v = seg.get(INT, pos);
            pos += 4;
            return v;
        }

        long i64(String what) {
            need(8, what);
            long v = seg.get(LONG, pos);
            pos += 8;
            return v;
        }

        /** A count whose items each take at least {@code minItemBytes}: bounded by the bytes left. */
        long count(String what, long minItemBytes) {
            long n = i64(what);
            if (n < 0 || n > (seg.byteSize() - pos) / minItemBytes) {
                throw new GgufFormatException(what + " " + Long.toUnsignedString(n) + " cannot fit in the file: corrupted");
            }
            return n;
        }

        String string(String what) {
            long len = i64("length of " + what);
            need(len, what);
            byte[] b = seg.asSlice(pos, len).toArray(ValueLayout.JAVA_BYTE);
            pos += len;
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(b)).toString();
            } catch (CharacterCodingException e) {
                // Tokenizer vocabularies may hold pieces that are not valid UTF-8 on their own.
                return new String(b, StandardCharsets.UTF_8);
            }
        }

        GgufValue value(String key, GgufValueType type) {
            return switch (type) {
                case ARRAY -> array(key);
                case STRING -> GgufValue.ofString(string(key));
                default -> new GgufValue(type, null, scalar(key, type));
            };
        }

        Object scalar(String key, GgufValueType type) {
            need(type.size(), key);
            long p = pos;
            pos += type.size();
            return switch (type) {
                case UINT8 -> Byte.toUnsignedInt(seg.get(ValueLayout.JAVA_BYTE, p));
                case INT8 -> (int) seg.get(ValueLayout.JAVA_BYTE, p);
                case UINT16 -> Short.toUnsignedInt(seg.get(SHORT, p));
                case INT16 -> (int) seg.get(SHORT, p);
                case UINT32 -> Integer.toUnsignedLong(seg.get(INT, p));
                case INT32 -> seg.get(INT, p);
                case FLOAT32 -> seg.get(FLOAT, p);
                case BOOL -> seg.get(ValueLayout.JAVA_BYTE, p) != 0;
                case UINT64, INT64 -> seg.get(LONG, p);
                case FLOAT64 -> seg.get(DOUBLE, p);
                default -> throw new IllegalStateException(type.toString());
            };
        }

        GgufValue array(String key) {
            GgufValueType et = GgufValueType.fromId(i32("array type of " + key));
            int n = Math.toIntExact(count("array length of " + key, et.size() > 0 ? et.size() : 8));
            Object arr = switch (et) {
                case STRING -> {
                    String[] a = new String[n];
                    for (int i = 0; i < n; i++) a[i] = string(key);
                    yield a;
                }
                case ARRAY -> {
                    GgufValue[] a = new GgufValue[n];
                    for (int i = 0; i < n; i++) a[i] = array(key);
                    yield a;
                }
                case FLOAT32 -> {
                    float[] a = new float[n];
                    for (int i = 0; i < n; i++) a[i] = (Float) scalar(key, et);
                    yield a;
                }
                case FLOAT64 -> {
                    double[] a = new double[n];
                    for (int i = 0; i < n; i++) a[i] = (Double) scalar(key, et);
                    yield a;
                }
                case BOOL -> {
                    boolean[] a = new boolean[n];
                    for (int i = 0; i < n; i++) a[i] = (Boolean) scalar(key, et);
                    yield a;
                }
                case UINT32, UINT64, INT64 -> {
                    long[] a = new long[n];
                    for (int i = 0; i < n; i++) a[i] = ((Number) scalar(key, et)).longValue();
                    yield a;
                }
                default -> {
                    int[] a = new int[n];
                    for (int i = 0; i < n; i++) a[i] = (Integer) scalar(key, et);
                    yield a;
                }
            };
            return new GgufValue(GgufValueType.ARRAY, et, arr);
        }
    }
}
