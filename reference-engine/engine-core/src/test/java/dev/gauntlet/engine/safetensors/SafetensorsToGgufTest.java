package dev.gauntlet.engine.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.gguf.GgufFile;
import dev.gauntlet.engine.gguf.GgufTensor;
import dev.gauntlet.engine.gguf.GgufValue;
import dev.gauntlet.engine.gguf.GgufValueType;
import dev.gauntlet.engine.kv.BlockTable;
import dev.gauntlet.engine.kv.PagedKvCache;
import dev.gauntlet.engine.model.LlamaModel;
import dev.gauntlet.engine.model.LoadedModel;
import dev.gauntlet.engine.model.SequenceChunk;
import dev.gauntlet.engine.synth.ModelShape;
import dev.gauntlet.engine.synth.SyntheticModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A synthetic model exported to safetensors (as a training script would) and imported back gives a
 * model with the same logits: tensor orientation, names and hyper-parameters survive the trip.
 */
class SafetensorsToGgufTest {
    @TempDir
    Path dir;

    @Test
    void exportedThenImportedModelComputesTheSameLogits() throws IOException {
        Path original = dir.resolve("tiny.gguf");
        SyntheticModel.write(ModelShape.TINY, GgmlType.F32, 7, original);
        Path weights = dir.resolve("tiny.safetensors");
        Map<String, GgufValue> tokenizer = new LinkedHashMap<>();
        try (GgufFile f = GgufFile.open(original)) {
            exportAsSafetensors(f, weights);
            f.metadata().forEach((k, v) -> {
                if (k.startsWith("tokenizer.")) {
                    tokenizer.put(k, v);
                }
            });
        }
        for (GgmlType type : List.of(GgmlType.F32, GgmlType.F16)) {
            Path imported = dir.resolve("imported-" + type + ".gguf");
            try (SafetensorsFile s = SafetensorsFile.open(weights)) {
                SafetensorsToGguf.convert(s, tokenizer, type, imported);
            }
            try (GgufFile f = GgufFile.open(imported)) {
                assertEquals(GgufValueType.UINT32, f.require("llama.block_count").type());
                assertEquals(GgufValueType.FLOAT32, f.require("llama.rope.freq_base").type());
                assertEquals("gauntlet-synthetic-tiny", f.string("general.name", ""));
                assertEquals(type, f.tensor("blk.0.attn_q.weight").type());
                assertEquals(GgmlType.F32, f.tensor("blk.0.attn_norm.weight").type());
            }
            // F16 import of F32 weights equals quantizing the original to F16 at load.
            Optional<GgmlType> originalAs = Optional.of(type);
            try (LoadedModel a = LoadedModel.load(original, originalAs);
                 LoadedModel b = LoadedModel.load(imported, Optional.empty())) {
                assertArrayEquals(logits(a.model()), logits(b.model()), type.toString());
            }
        }
    }

    @Test
    void vocabularyMismatchIsNamed() throws IOException {
        Path original = dir.resolve("tiny.gguf");
        SyntheticModel.write(ModelShape.TINY, GgmlType.F32, 7, original);
        Path weights = dir.resolve("tiny.safetensors");
        try (GgufFile f = GgufFile.open(original)) {
            exportAsSafetensors(f, weights);
        }
        Map<String, GgufValue> small = Map.of("tokenizer.ggml.tokens", GgufValue.ofStrings(new String[] {"a", "b"}));
        try (SafetensorsFile s = SafetensorsFile.open(weights)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SafetensorsToGguf.convert(s, small, GgmlType.F32, dir.resolve("x.gguf")));
            assertTrue(e.getMessage().contains("1024") && e.getMessage().contains("2 tokens"), e.getMessage());
        }
    }

    private static float[] logits(LlamaModel m) {
        PagedKvCache cache = m.newKvCache(4L << 20, 16);
        BlockTable t = new BlockTable();
        int[] tokens = {1, 50, 300, 7, 1000, 22};
        cache.ensureCapacity(t, tokens.length);
        return m.forward(List.of(new SequenceChunk(t, tokens, 0, true)), cache)[0];
    }

    /** What a PyTorch script writes: [rows, cols] F32 tensors under GGUF names, llama.* metadata as strings. */
    private static void exportAsSafetensors(GgufFile f, Path out) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        f.metadata().forEach((k, v) -> {
            if (k.startsWith("llama.") || k.equals("general.name")) {
                meta.put(k, String.valueOf(v.value()));
            }
        });
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (GgufTensor t : f.tensors().values()) {
            float[] v = t.data().toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
            ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v);
            ObjectNode e = header.putObject(t.name());
            e.put("dtype", "F32");
            if (t.dims().length == 1) {
                e.putArray("shape").add(t.dims()[0]);
            } else {
                e.putArray("shape").add(t.dims()[1]).add(t.dims()[0]);
            }
            e.putArray("data_offsets").add(data.size()).add(data.size() + b.capacity());
            data.write(b.array());
        }
        SafetensorsFileTest.write(out, json.writeValueAsString(header), data.toByteArray());
    }
}
