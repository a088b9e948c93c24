package dev.gauntlet.engine.gguf;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Writes GGUF v3 files: metadata in insertion order, then tensors aligned to
 * {@code general.alignment} (32 unless set).
 */
public final class GgufWriter {
    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<Entry> tensors = new ArrayList<>();

    /** A tensor to write; its bytes are produced only when the file is written, one tensor at a time. */
    private record Entry(String name, GgmlType type, long[] dims, long bytes, Supplier<MemorySegment> data) {
    }

    /** Sets a metadata value (replacing any earlier one with the same key). */
    public GgufWriter put(String key, GgufValue value) {
        metadata.put(key, value);
        return this;
    }

    /** Copies every metadata entry of a file. */
    public GgufWriter putAll(Map<String, GgufValue> values) {
        metadata.putAll(values);
        return this;
    }

    /** Adds a tensor; its data must hold exactly {@code type.bytesFor(elements)} bytes. */
    public GgufWriter tensor(String name, GgmlType type, long[] dims, MemorySegment data) {
        return tensor(name, type, dims, () -> data);
    }

    /**
     * Adds a tensor whose bytes are produced when the file is written, so that files larger than
     * memory can be written tensor by tensor.
     */
    public GgufWriter tensor(String name, GgmlType type, long[] dims, Supplier<MemorySegment> data) {
        long elements = 1;
        for (long d : dims) {
            elements *= d;
        }
        tensors.add(new Entry(name, type, dims.clone(), type.bytesFor(elements), data));
        return this;
    }

    /** Adds an F32 tensor from a float array. */
    public GgufWriter tensor(String name, long[] dims, float[] values) {
        return tensor(name, GgmlType.F32, dims, MemorySegment.ofArray(values));
    }

    /** Writes the file. */
    public void write(Path path) throws IOException {
        long alignment = metadata.containsKey("general.alignment")
                ? metadata.get("general.alignment").asLong() : GgufFile.DEFAULT_ALIGNMENT;
        try (OutputStream raw = Files.newOutputStream(path);
             CountingOut out = new CountingOut(new BufferedOutputStream(raw, 1 << 20))) {
            out.i32(GgufFile.MAGIC);
            out.i32(GgufFile.VERSION);
            out.i64(tensors.size());
            out.i64(metadata.size());
            for (Map.Entry<String, GgufValue> e : metadata.entrySet()) {
                out.string(e.getKey());
                out.i32(e.getValue().type().id());
                out.value(e.getValue());
            }
            long offset = 0;
            List<Long> offsets = new ArrayList<>();
            for (Entry t : tensors) {
                out.string(t.name());
                out.i32(t.dims().length);
                for (long d : t.dims()) {
                    out.i64(d);
                }
                out.i32(t.type().id());
                out.i64(offset);
                offsets.add(offset);
                offset = GgufFile.alignUp(offset + t.bytes(), alignment);
            }
            out.pad(alignment);
            long dataStart = out.count;
            for (int i = 0; i < tensors.size(); i++) {
                out.pad(alignment);
                if (out.count - dataStart != offsets.get(i)) {
                    throw new IllegalStateException("tensor offset drifted");
                }
                Entry t = tensors.get(i);
                MemorySegment data = t.data().get();
                if (data.byteSize() != t.bytes()) {
                    throw new IllegalArgumentException("tensor " + t.name() + ": " + data.byteSize() + " bytes given, "
                            + t.bytes() + " expected for " + t.type() + " " + java.util.Arrays.toString(t.dims()));
                }
                out.segment(data);
            }
        }
    }

    /** Little-endian output that counts bytes, for alignment. */
    private static final class CountingOut implements AutoCloseable {
        private final OutputStream out;
        private final ByteBuffer buf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        long count;

        CountingOut(OutputStream out) {
            this.out = out;
        }

        void bytes(byte[] b) throws IOException {
            out.write(b);
            count += b.length;
        }

        private void flushBuf() throws IOException {
            buf.flip();
            byte[] b = new byte[buf.remaining()];
            buf.get(b);
            buf.clear();
            bytes(b);
        }

        void i8(int v) throws IOException {
            buf.put((byte) v);
            flushBuf();
        }

        void i16(int v) throws IOException {
            buf.putShort((short) v);
            flushBuf();
        }

        void i32(int v) throws IOException {
            buf.putInt(v);
            flushBuf();
        }

        void i64(long v) throws IOException {
            buf.putLong(v);
            flushBuf();
        }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            i64(b.length);
            bytes(b);
        }

        void pad(long alignment) throws IOException {
            while (count % alignment != 0) {
                i8(0);
            }
        }

        void segment(MemorySegment seg) throws IOException {
            long chunk = 1 << 20;
            for (long p = 0; p < seg.byteSize(); p += chunk) {
                bytes(seg.asSlice(p, Math.min(chunk, seg.byteSize() - p)).toArray(ValueLayout.JAVA_BYTE));
            }
        }

        void value(GgufValue v) throws IOException {
            if (v.type() == GgufValueType.ARRAY) {
                array(v.elementType(), v.value());
            } else {
                scalar(v.type(), v.value());
            }
        }

        void scalar(GgufValueType type, Object v) throws IOException {
            switch (type) {
                case UINT8, INT8 -> i8(((Number) v).intValue());
                case UINT16, INT16 -> i16(((Number) v).intValue());
                case UINT32, INT32 -> i32(((Number) v).intValue());
                case FLOAT32 -> i32(Float.floatToRawIntBits(((Number) v).floatValue()));
                case BOOL -> i8((Boolean) v ? 1 : 0);
                case UINT64, INT64 -> i64(((Number) v).longValue());
                case FLOAT64 -> i64(Double.doubleToRawLongBits(((Number) v).doubleValue()));
                case STRING -> string((String) v);
                default -> throw new IllegalArgumentException(type.toString());
            }
        }

        void array(GgufValueType et, Object arr) throws IOException {
            int n = java.lang.reflect.Array.getLength(arr);
            i32(et.id());
            i64(n);
            for (int i = 0; i < n; i++) {
                Object item = java.lang.reflect.Array.get(arr, i);
                if (et == GgufValueType.ARRAY) {
                    GgufValue inner = (GgufValue) item;
                    array(inner.elementType(), inner.value());
                } else {
                    scalar(et, item);
                }
            }
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
