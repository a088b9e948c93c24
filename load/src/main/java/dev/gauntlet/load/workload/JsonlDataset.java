package dev.gauntlet.load.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.load.client.GenerationRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Prompts from a JSONL file, one object a line: {@code {"prompt": "...", "max_tokens": 128}}
 * ({@code max_tokens} optional; without it the output length is drawn from {@code output}). Requests
 * walk the prompts in an order shuffled by the seed, wrapping around.
 */
public final class JsonlDataset implements Workload {
    private final Path file;
    private final List<String> prompts;
    private final int[] maxTokens;
    private final int[] order;
    private final LengthDistribution output;
    private final long seed;

    private JsonlDataset(Path file, List<String> prompts, int[] maxTokens, LengthDistribution output, long seed) {
        this.file = file;
        this.prompts = prompts;
        this.maxTokens = maxTokens;
        this.output = output;
        this.seed = seed;
        this.order = shuffled(prompts.size(), seed);
    }

    /** Reads {@code file}; blank lines are skipped, a line without a string {@code prompt} is an error. */
    public static JsonlDataset read(Path file, LengthDistribution output, long seed) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> prompts = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        int lineNumber = 0;
        for (String line : Files.readAllLines(file)) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode node = json.readTree(line);
            JsonNode prompt = node.get("prompt");
            if (prompt == null || !prompt.isTextual()) {
                throw new IllegalArgumentException(file + ":" + lineNumber + ": no string \"prompt\"");
            }
            prompts.add(prompt.asText());
            lengths.add(node.path("max_tokens").asInt(0));
        }
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no prompts");
        }
        return new JsonlDataset(file, prompts, lengths.stream().mapToInt(Integer::intValue).toArray(), output, seed);
    }

    @Override
    public GenerationRequest request(long sequence) {
        int index = order[(int) (sequence % order.length)];
        int max = maxTokens[index];
        if (max < 1) {
            max = output.sample(new SplittableRandom(seed ^ (sequence * 0x9E3779B97F4A7C15L)));
        }
        return new GenerationRequest(prompts.get(index), null, max, true);
    }

    @Override
    public String describe() {
        return "jsonl " + file.getFileName() + " (" + prompts.size() + " prompts) output=" + output + " seed=" + seed;
    }

    private static int[] shuffled(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
