package dev.gauntlet.engine.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufFileTest {
    @TempDir
    Path dir;

    private Path writeSample() throws IOException {
        float[] a = new float[64 * 3];
        for (int i = 0; i < a.length; i++) {
            a[i] = i * 0.5f - 7;
        }
        byte[] q8 = new byte[2 * 34];
        new Random(1).nextBytes(q8);
        Path p = dir.resolve("sample.gguf");
        new GgufWriter()
                .put("general.architecture", GgufValue.ofString("llama"))
                .put("general.name", GgufValue.ofString("ünïcode ✓"))
                .put("llama.block_count", GgufValue.ofUint32(2))
                .put("llama.rope.freq_base", GgufValue.ofFloat32(10000f))
                .put("flag", GgufValue.ofBool(true))
                .put("i64", new GgufValue(GgufValueType.INT64, null, -5L))
                .put("f64", new GgufValue(GgufValueType.FLOAT64, null, 2.5))
                .put("u8", new GgufValue(GgufValueType.UINT8, null, 250))
                .put("tokens", GgufValue.ofStrings(new String[] {"a", "▁b", "<0x0A>"}))
                .put("scores", GgufValue.ofFloats(new float[] {0f, -1f, -2.5f}))
                .put("types", GgufValue.ofInts(new int[] {1, 1, 6}))
                .put("nested", new GgufValue(GgufValueType.ARRAY, GgufValueType.ARRAY,
                        new GgufValue[] {GgufValue.ofInts(new int[] {1, 2}), GgufValue.ofStrings(new String[] {"x"})}))
                .tensor("a", new long[] {64, 3}, a)
                .tensor("q", GgmlType.Q8_0, new long[] {64}, MemorySegment.ofArray(q8))
                .write(p);
        return p;
    }

    @Test
    void writtenFileReadsBackIdentically() throws IOException {
        Path p = writeSample();
        try (GgufFile f = GgufFile.open(p)) {
            assertEquals("ünïcode ✓", f.string("general.name", null));
            assertEquals(2, f.integer("llama.block_count", 0));
            assertEquals(GgufValueType.UINT32, f.require("llama.block_count").type());
            assertEquals(250, f.integer("u8", 0));
            assertEquals(-5, f.integer("i64", 0));
            assertTrue(f.bool("flag", false));
            assertArrayEquals(new String[] {"a", "▁b", "<0x0A>"}, (String[]) f.require("tokens").value());
            assertEquals(12, f.metadata().size());
            GgufTensor a = f.tensor("a");
            assertEquals(GgmlType.F32, a.type());
            assertEquals(3, a.rows());
            assertEquals(64, a.cols());
            assertEquals(0, a.data().address() % 32, "tensor data is aligned");
            assertEquals(-7f, a.data().get(ValueLayout.JAVA_FLOAT_UNALIGNED, 0));
            assertEquals(GgmlType.Q8_0, f.tensor("q").type());
            assertEquals(68, f.tensor("q").data().byteSize());

            // Writing what was read gives the same bytes.
            Path copy = dir.resolve("copy.gguf");
            GgufWriter w = new GgufWriter().putAll(f.metadata());
            for (GgufTensor t : f.tensors().values()) {
                w.tensor(t.name(), t.type(), t.dims(), t.data());
            }
            w.write(copy);
            assertArrayEquals(Files.readAllBytes(p), Files.readAllBytes(copy));
        }
    }

    @Test
    void everyTruncationFailsWithAClearError() throws IOException {
        byte[] whole = Files.readAllBytes(writeSample());
        Path cut = dir.resolve("cut.gguf");
        for (int len = 0; len < whole.length; len += (len < 600 ? 1 : 97)) {
            Files.write(cut, Arrays.copyOf(whole, len));
            GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(cut).close(),
                    "truncated at " + len);
            assertTrue(e.getMessage().startsWith("cut.gguf: "), e.getMessage());
        }
    }

    @Test
    void corruptedBytesNeverCrashOrHang() throws IOException {
        byte[] whole = Files.readAllBytes(writeSample());
        Path bad = dir.resolve("bad.gguf");
        Random rnd = new Random(7);
        int failures = 0;
        for (int trial = 0; trial < 500; trial++) {
            byte[] b = whole.clone();
            // Corrupt the header region, where counts, lengths and types live.
            for (int k = 0; k < 3; k++) {
                b[rnd.nextInt(Math.min(b.length, 700))] = (byte) rnd.nextInt();
            }
            Files.write(bad, b);
            try (GgufFile f = GgufFile.open(bad)) {
                f.metadata().size();
            } catch (GgufFormatException e) {
                failures++;
            }
        }
        assertTrue(failures > 0, "some corruptions must be detected");
    }

    @Test
    void wrongMagicAndVersionAreNamed() throws IOException {
        byte[] whole = Files.readAllBytes(writeSample());
        Path bad = dir.resolve("bad.gguf");
        byte[] b = whole.clone();
        b[0] = 'X';
        Files.write(bad, b);
        assertTrue(assertThrows(GgufFormatException.class, () -> GgufFile.open(bad)).getMessage().contains("not a GGUF file"));
        b = whole.clone();
        b[4] = 2;
        Files.write(bad, b);
        assertTrue(assertThrows(GgufFormatException.class, () -> GgufFile.open(bad)).getMessage().contains("version 2"));
    }

    @Test
    void unsupportedTensorTypeIsNamed() throws IOException {
        Path p = dir.resolve("k.gguf");
        new GgufWriter().tensor("t", GgmlType.F32, new long[] {4}, MemorySegment.ofArray(new float[4])).write(p);
        byte[] b = Files.readAllBytes(p);
        // Tensor info: name(8+1) dims(4) ne(8) type(4): the type id follows the dims.
        int typePos = 24 + 8 + 1 + 4 + 8;
        b[typePos] = 12; // Q4_K
        Files.write(p, b);
        String msg = assertThrows(GgufFormatException.class, () -> GgufFile.open(p)).getMessage();
        assertTrue(msg.contains("Q4_K"), msg);
    }
}
