package dev.gauntlet.engine.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A memory-mapped <a href="https://huggingface.co/docs/safetensors">safetensors</a> file: an
 * 8-byte little-endian header length, a JSON header naming each tensor's dtype, shape and byte
 * range, then the raw little-endian data. This is the format PyTorch training scripts export,
 * so it is how trained weights enter the project's GGUF writer.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** Headers beyond this are not a safetensors file (the format caps them at 100 MB). */
    private static final long MAX_HEADER = 100L << 20;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** One tensor's entry in the header. */
    public record Tensor(String name, String dtype, long[] shape, long begin, long end) {
        /** Number of elements. */
        public long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private final Path path;
    private final Arena arena;
    private final MemorySegment data;
    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, Arena arena, MemorySegment data, Map<String, Tensor> tensors,
                            Map<String, String> metadata) {
        this.path = path;
        this.arena = arena;
        this.data = data;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /**
     * Maps and validates a file: every tensor's byte range must lie in the data section and match
     * its dtype and shape.
     *
     * @throws IOException naming the file and the first inconsistency found
     */
    public static SafetensorsFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            if (all.byteSize() < 8) {
                throw new IOException(path + ": too short for a safetensors header");
            }
            long headerLength = all.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (headerLength <= 0 || headerLength > MAX_HEADER || 8 + headerLength > all.byteSize()) {
                throw new IOException(path + ": header length " + headerLength + " does not fit a file of "
                        + all.byteSize() + " bytes");
            }
            byte[] header = all.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
            MemorySegment data = all.asSlice(8 + headerLength);
            JsonNode root;
            try {
                root = new ObjectMapper().readTree(new String(header, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IOException(path + ": the header is not JSON: " + e.getMessage(), e);
            }
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    e.getValue().properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
                } else {
                    tensors.put(e.getKey(), tensor(path, e.getKey(), e.getValue(), data.byteSize()));
                }
            }
            return new SafetensorsFile(path, arena, data, Collections.unmodifiableMap(tensors),
                    Collections.unmodifiableMap(metadata));
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e instanceof IOException io ? io : new IOException(path + ": " + e.getMessage(), e);
        }
    }

    private static Tensor tensor(Path path, String name, JsonNode node, long dataBytes) throws IOException {
        JsonNode shapeNode = node.path("shape");
        JsonNode offsets = node.path("data_offsets");
        String dtype = node.path("dtype").asText("");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw new IOException(path + ": tensor '" + name + "' lacks a shape or data_offsets");
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong(-1);
            if (shape[i] < 0) {
                throw new IOException(path + ": tensor '" + name + "' has a negative dimension");
            }
        }
        Tensor t = new Tensor(name, dtype, shape, offsets.get(0).asLong(-1), offsets.get(1).asLong(-1));
        long expected = Math.multiplyExact(t.elements(), elementBytes(path, t));
        if (t.begin() < 0 || t.end() > dataBytes || t.end() - t.begin() != expected) {
            throw new IOException(path + ": tensor '" + name + "' byte range [" + t.begin() + ", " + t.end()
                    + ") does not hold " + t.elements() + " " + dtype + " values within " + dataBytes + " data bytes");
        }
        return t;
    }

    private static long elementBytes(Path path, Tensor t) throws IOException {
        return switch (t.dtype()) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> throw new IOException(path + ": tensor '" + t.name() + "' has dtype " + t.dtype()
                    + "; only F32, F16 and BF16 are read");
        };
    }

    /** The file's path. */
    public Path path() {
        return path;
    }

    /** Tensors in header order. */
    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /** The header's {@code __metadata__} string map (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** A tensor's values widened to float, row-major. */
    public float[] floats(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException(path + " has no tensor '" + name + "'");
        }
        MemorySegment s = data.asSlice(t.begin(), t.end() - t.begin());
        float[] out = new float[Math.toIntExact(t.elements())];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (t.dtype()) {
                case "F32" -> s.getAtIndex(F32, i);
                case "F16" -> Float.float16ToFloat(s.getAtIndex(U16, i));
                default -> Float.intBitsToFloat(s.getAtIndex(U16, i) << 16); // BF16: the top half of an F32
            };
        }
        return out;
    }

    @Override
    public void close() {
        arena.close();
    }
}
