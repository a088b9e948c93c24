package dev.gauntlet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.engine.conformance.LlamaCppConformance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gauntlet conformance}: the engine against llama.cpp's recorded outputs, as a markdown table. */
@Command(name = "conformance", mixinStandardHelpOptions = true,
        description = "Compare the engine with llama.cpp's interop vectors and print the agreement table.")
final class ConformanceCommand implements Callable<Integer> {
    @Option(names = "--dir", defaultValue = "../shared/interop/llama.cpp",
            description = "Folder with llama.cpp's GGUF files and vectors.jsonl (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(dir.resolve("vectors.jsonl"))) {
            throw new IllegalArgumentException("--dir " + dir + " has no vectors.jsonl");
        }
        List<LlamaCppConformance.FileResult> results = new ArrayList<>();
        for (Map.Entry<String, List<JsonNode>> e : LlamaCppConformance.generateVectors(dir).entrySet()) {
            results.add(LlamaCppConformance.check(dir.resolve(e.getKey()), e.getKey(), e.getValue()));
        }
        System.out.print(LlamaCppConformance.markdownTable(results));
        boolean ok = true;
        for (LlamaCppConformance.FileResult r : results) {
            for (String f : r.failures()) {
                System.err.println(r.file() + ": " + f);
                ok = false;
            }
        }
        return ok ? 0 : 1;
    }
}
