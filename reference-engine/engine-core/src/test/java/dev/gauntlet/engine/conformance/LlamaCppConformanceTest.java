package dev.gauntlet.engine.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.engine.gguf.GgufFile;
import dev.gauntlet.engine.gguf.GgufTensor;
import dev.gauntlet.engine.gguf.GgufWriter;
import dev.gauntlet.engine.interop.LlamaCppVectors;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every generate vector of llama.cpp's interop set, teacher-forced and free-running, within the
 * tolerances of {@link LlamaCppConformance#toleranceFor}.
 */
class LlamaCppConformanceTest {

    static Stream<Arguments> files() throws Exception {
        Path dir = LlamaCppVectors.require();
        return LlamaCppConformance.generateVectors(dir).entrySet().stream()
                .map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void agreesWithLlamaCpp(String file, List<JsonNode> vectors) throws Exception {
        LlamaCppConformance.FileResult r = LlamaCppConformance.check(LlamaCppVectors.file(file), file, vectors);
        System.out.print(LlamaCppConformance.markdownTable(List.of(r)));
        assertEquals(96, r.steps(), "6 prompts × 16 steps");
        assertTrue(r.passed(), file + ": " + String.join("\n", r.failures()));
    }

    @Test
    void aFileRewrittenByOurWriterPassesTheSameChecks(@TempDir Path tmp) throws Exception {
        Path dir = LlamaCppVectors.require();
        Map<String, List<JsonNode>> vectors = LlamaCppConformance.generateVectors(dir);
        for (String file : List.of("spm-tiny-q4_0.gguf", "bpe-tiny-f32.gguf")) {
            Path copy = tmp.resolve(file);
            try (GgufFile f = GgufFile.open(dir.resolve(file))) {
                GgufWriter w = new GgufWriter().putAll(f.metadata());
                for (GgufTensor t : f.tensors().values()) {
                    w.tensor(t.name(), t.type(), t.dims(), t.data());
                }
                w.write(copy);
            }
            LlamaCppConformance.FileResult r = LlamaCppConformance.check(copy, file, vectors.get(file));
            assertTrue(r.passed(), file + " rewritten: " + String.join("\n", r.failures()));
        }
    }
}
