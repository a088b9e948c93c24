package dev.gauntlet.load.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.load.client.GenerationRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Text prompts from a file, each with the output length it asks for when the file gives one (else
 * drawn from {@code output}). Requests walk the prompts in an order shuffled by the seed, wrapping
 * around. Two formats: {@code jsonl}, one {@code {"prompt": "...", "max_tokens": 128}} a line
 * ({@code max_tokens} optional), and {@code sharegpt} ({@link ShareGptImport}).
 */
public final class PromptDataset implements Workload {
    /** One prompt and the output length it asks for, 0 when it asks none. */
    record Entry(String prompt, int maxTokens) {
    }

    private final String source;
    private final List<Entry> entries;
    private final int[] order;
    private final LengthDistribution output;
    private final long seed;

    private PromptDataset(String source, List<Entry> entries, LengthDistribution output, long seed) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException(source + " holds no prompts");
        }
        this.source = source;
        this.entries = List.copyOf(entries);
        this.output = output;
        this.seed = seed;
        this.order = shuffled(entries.size(), seed);
    }

    /**
     * Reads {@code file} in {@code format} ({@code jsonl} or {@code sharegpt}).
     *
     * @throws IllegalArgumentException for an unknown format or a file that holds no usable prompt
     */
    public static PromptDataset read(Path file, String format, LengthDistribution output, long seed) throws IOException {
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "jsonl" -> new PromptDataset("jsonl " + file.getFileName(), readJsonl(file), output, seed);
            case "sharegpt" -> {
                ShareGptImport imported = ShareGptImport.read(file);
                yield new PromptDataset("sharegpt " + file.getFileName() + " (" + imported.skipped()
                        + " conversations without a human turn skipped)", imported.entries(), output, seed);
            }
            default -> throw new IllegalArgumentException("unknown --dataset-format '" + format + "' (jsonl, sharegpt)");
        };
    }

    /** Blank lines are skipped; a line without a string {@code prompt} is an error naming the line. */
    private static List<Entry> readJsonl(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Entry> entries = new ArrayList<>();
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
            entries.add(new Entry(prompt.asText(), node.path("max_tokens").asInt(0)));
        }
        return entries;
    }

    /** How many prompts it holds. */
    public int size() {
        return entries.size();
    }

    @Override
    public GenerationRequest request(long sequence) {
        Entry entry = entries.get(order[(int) (sequence % order.length)]);
        int max = entry.maxTokens();
        if (max < 1) {
            max = output.sample(new SplittableRandom(seed ^ (sequence * 0x9E3779B97F4A7C15L)));
        }
        return new GenerationRequest(entry.prompt(), null, max, true);
    }

    @Override
    public String describe() {
        return source + ": " + entries.size() + " prompts, output=" + output + " where none is given, seed=" + seed;
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
