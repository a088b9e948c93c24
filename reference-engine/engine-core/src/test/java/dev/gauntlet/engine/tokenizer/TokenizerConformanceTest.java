package dev.gauntlet.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.engine.gguf.GgufFile;
import dev.gauntlet.engine.interop.LlamaCppVectors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every {@code tokenize} vector that llama.cpp wrote must be reproduced exactly. */
class TokenizerConformanceTest {
    private static final Map<String, Tokenizer> TOKENIZERS = new ConcurrentHashMap<>();

    static Stream<Arguments> vectors() throws IOException {
        return LlamaCppVectors.lines("tokenize").stream().map(v -> Arguments.of(
                v.get("model").asText() + " add_special=" + v.get("add_special").asBoolean() + " " + escape(v.get("text").asText()), v));
    }

    private static String escape(String s) {
        return s.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
    }

    /** The tokenizer of {@code <model>-f32.gguf}, loaded once per model. */
    private static Tokenizer tokenizer(String model) {
        return TOKENIZERS.computeIfAbsent(model, m -> {
            try (GgufFile f = GgufFile.open(LlamaCppVectors.file(m + "-f32.gguf"))) {
                return Tokenizers.fromGguf(f);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void matchesLlamaCpp(String name, JsonNode v) {
        Tokenizer tok = tokenizer(v.get("model").asText());
        int[] expected = new int[v.get("ids").size()];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = v.get("ids").get(i).asInt();
        }
        int[] ids = tok.encode(v.get("text").asText(), v.get("add_special").asBoolean(), v.get("parse_special").asBoolean());
        assertArrayEquals(expected, ids, "ids");
        assertEquals(v.get("detok").asText(), tok.decode(ids), "detok");
        for (int i = 0; i < ids.length; i++) {
            assertArrayEquals(pieceBytes(v.get("pieces").get(i)), tok.tokenBytes(ids[i]), "piece " + i + " (id " + ids[i] + ")");
        }
    }

    /** A piece given as a string, or as a list of byte values when it is not valid UTF-8 alone. */
    private static byte[] pieceBytes(JsonNode piece) {
        if (piece.isTextual()) {
            return piece.asText().getBytes(StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        piece.forEach(b -> out.write(b.asInt()));
        return out.toByteArray();
    }
}
