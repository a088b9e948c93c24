package dev.gauntlet.engine.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading safetensors files: every dtype widened exactly, metadata kept, inconsistent headers rejected by name. */
class SafetensorsFileTest {
    @TempDir
    Path dir;

    /** Writes a file from a header JSON and the data section. */
    static Path write(Path file, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        return Files.write(file, b.array());
    }

    @Test
    void readsEachDtypeAndTheMetadata() throws IOException {
        float[] values = {1.5f, -2.25f, 65504f, 0.1f};
        ByteBuffer data = ByteBuffer.allocate(16 + 8 + 8).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            data.putFloat(v);
        }
        for (float v : values) {
            data.putShort(Float.floatToFloat16(v));
        }
        for (float v : values) {
            data.putShort((short) (Float.floatToIntBits(v) >>> 16));
        }
        Path f = write(dir.resolve("w.safetensors"), """
                {"__metadata__":{"llama.block_count":"2"},
                 "a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},
                 "h":{"dtype":"F16","shape":[4],"data_offsets":[16,24]},
                 "b":{"dtype":"BF16","shape":[4],"data_offsets":[24,32]}}   """, data.array());
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertEquals(Map.of("llama.block_count", "2"), s.metadata());
            assertEquals(java.util.List.of("a", "h", "b"), java.util.List.copyOf(s.tensors().keySet()));
            assertArrayEquals(new long[] {2, 2}, s.tensors().get("a").shape());
            assertArrayEquals(values, s.floats("a"));
            float[] half = s.floats("h");
            float[] brain = s.floats("b");
            for (int i = 0; i < values.length; i++) {
                assertEquals(Float.float16ToFloat(Float.floatToFloat16(values[i])), half[i]);
                assertEquals(Float.intBitsToFloat(Float.floatToIntBits(values[i]) & 0xFFFF0000), brain[i]);
            }
            assertThrows(IllegalArgumentException.class, () -> s.floats("missing"));
        }
    }

    @Test
    void inconsistentFilesAreRejectedNamingTheProblem() throws IOException {
        byte[] eight = new byte[8];
        IOException range = assertThrows(IOException.class, () -> SafetensorsFile.open(write(dir.resolve("r.safetensors"),
                "{\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", eight)));
        assertTrue(range.getMessage().contains("'x'"), range.getMessage());

        IOException dtype = assertThrows(IOException.class, () -> SafetensorsFile.open(write(dir.resolve("d.safetensors"),
                "{\"x\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", eight)));
        assertTrue(dtype.getMessage().contains("I64"), dtype.getMessage());

        Path shortFile = Files.write(dir.resolve("s.safetensors"), new byte[] {100, 0, 0, 0, 0, 0, 0, 0, '{'});
        IOException header = assertThrows(IOException.class, () -> SafetensorsFile.open(shortFile));
        assertTrue(header.getMessage().contains("header length 100"), header.getMessage());

        IOException json = assertThrows(IOException.class, () -> SafetensorsFile.open(write(dir.resolve("j.safetensors"),
                "{not json", eight)));
        assertTrue(json.getMessage().contains("j.safetensors"), json.getMessage());
    }
}
