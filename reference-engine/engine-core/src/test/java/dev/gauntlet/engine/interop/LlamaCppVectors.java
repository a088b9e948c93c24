package dev.gauntlet.engine.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import org.junit.jupiter.api.Assumptions;

/**
 * Ground truth from llama.cpp in {@code ../shared/interop/llama.cpp/} (beside the repository),
 * read in place. Tests call {@link #require()}, which skips them with a logged reason when the
 * folder is absent.
 */
public final class LlamaCppVectors {
    private static final Logger LOG = Logger.getLogger(LlamaCppVectors.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static List<JsonNode> cache;

    private LlamaCppVectors() {
    }

    /** The folder, found from {@code -Dgauntlet.interop.dir} or by walking up from the working directory. */
    public static Optional<Path> dir() {
        String prop = System.getProperty("gauntlet.interop.dir");
        if (prop != null) {
            return Optional.of(Path.of(prop)).filter(Files::isDirectory);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared/interop/llama.cpp");
            if (Files.isRegularFile(candidate.resolve("vectors.jsonl"))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The folder, or the calling test is skipped (and the reason logged). */
    public static Path require() {
        Optional<Path> d = dir();
        if (d.isEmpty()) {
            String why = "llama.cpp interop vectors not found (expected ../shared/interop/llama.cpp beside the repository); skipping";
            LOG.warning(why);
            Assumptions.abort(why);
        }
        return d.get();
    }

    /** Every line of vectors.jsonl, parsed. */
    public static synchronized List<JsonNode> lines() throws IOException {
        if (cache == null) {
            List<JsonNode> out = new ArrayList<>();
            for (String line : Files.readAllLines(require().resolve("vectors.jsonl"))) {
                if (!line.isBlank()) {
                    out.add(JSON.readTree(line));
                }
            }
            cache = List.copyOf(out);
        }
        return cache;
    }

    /** Lines of one kind ({@code tokenize} or {@code generate}). */
    public static List<JsonNode> lines(String kind) throws IOException {
        return lines().stream().filter(n -> kind.equals(n.path("kind").asText())).toList();
    }

    /** A GGUF file of the set, e.g. {@code spm-tiny-q4_0.gguf}. */
    public static Path file(String name) {
        return require().resolve(name);
    }
}
