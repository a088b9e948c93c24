package dev.gauntlet.load.workload;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Prompts from a ShareGPT-format dataset: conversations {@code {"conversations": [{"from": "human",
 * "value": ...}, {"from": "gpt", "value": ...}, ...]}}, either as one JSON array (as ShareGPT's
 * published files are) or one conversation a line (JSONL). Each conversation gives one prompt, its
 * first human turn; the reply that follows it, when there is one, sets the expected output length.
 * The target's tokenizer is not at hand, so that length is estimated at one token per
 * {@value #CHARS_PER_TOKEN} characters (the usual rule for English with BPE vocabularies), at least 1.
 * Conversations without a human turn are skipped and counted.
 *
 * @param entries the prompts
 * @param skipped conversations that gave none
 */
record ShareGptImport(List<PromptDataset.Entry> entries, int skipped) {
    static final int CHARS_PER_TOKEN = 4;
    private static final Set<String> HUMAN = Set.of("human", "user");
    private static final Set<String> ASSISTANT = Set.of("gpt", "assistant", "chatgpt", "bard", "bing");

    /** Reads {@code file}, streaming a JSON array so a large file needs no more memory than its prompts. */
    static ShareGptImport read(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<PromptDataset.Entry> entries = new ArrayList<>();
        int[] skipped = {0};
        try (BufferedReader in = Files.newBufferedReader(file)) {
            // Whitespace before the first character is short; the mark only has to outlive it.
            in.mark(1 << 16);
            int first;
            do {
                first = in.read();
            } while (first >= 0 && Character.isWhitespace(first));
            in.reset();
            if (first == '[') {
                try (JsonParser parser = json.createParser(in)) {
                    parser.nextToken();
                    while (parser.nextToken() == JsonToken.START_OBJECT) {
                        add(json.readTree(parser), entries, skipped);
                    }
                }
            } else {
                for (String line; (line = in.readLine()) != null; ) {
                    if (!line.isBlank()) {
                        add(json.readTree(line), entries, skipped);
                    }
                }
            }
        }
        return new ShareGptImport(entries, skipped[0]);
    }

    private static void add(JsonNode conversation, List<PromptDataset.Entry> entries, int[] skipped) {
        JsonNode turns = conversation.path("conversations");
        for (int i = 0; i < turns.size(); i++) {
            String prompt = turns.get(i).path("value").asText("");
            if (HUMAN.contains(turns.get(i).path("from").asText()) && !prompt.isBlank()) {
                JsonNode reply = turns.get(i + 1);
                String answer = reply != null && ASSISTANT.contains(reply.path("from").asText())
                        ? reply.path("value").asText("") : "";
                entries.add(new PromptDataset.Entry(prompt, answer.isBlank() ? 0 : estimateTokens(answer)));
                return;
            }
        }
        skipped[0]++;
    }

    /** Output tokens expected for {@code reply}: one per {@value #CHARS_PER_TOKEN} characters, at least 1. */
    static int estimateTokens(String reply) {
        int chars = reply.codePointCount(0, reply.length());
        return Math.max(1, (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN);
    }
}
