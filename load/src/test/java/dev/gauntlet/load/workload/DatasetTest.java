package dev.gauntlet.load.workload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.load.client.GenerationRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetTest {
    @TempDir
    Path dir;

    private static final String CONVERSATIONS = """
            {"id": "a", "conversations": [{"from": "human", "value": "Name three primes."}, {"from": "gpt", "value": "2, 3 and 5 are primes."}]}
            {"id": "b", "conversations": [{"from": "system", "value": "Be brief."}, {"from": "human", "value": "Why is the sky blue?"}, {"from": "gpt", "value": "Rayleigh scattering."}, {"from": "human", "value": "More?"}]}
            {"id": "c", "conversations": [{"from": "gpt", "value": "Hello, how can I help?"}]}
            {"id": "d", "conversations": [{"from": "human", "value": "Unanswered question"}]}
            """;
    private static final LengthDistribution OUTPUT = new LengthDistribution.Fixed(7);

    /** Every request of one pass over the dataset, by prompt. */
    private static Map<String, Integer> prompts(PromptDataset d) {
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i < d.size(); i++) {
            GenerationRequest r = d.request(i);
            out.put(r.text(), r.maxTokens());
        }
        return out;
    }

    @Test
    void shareGptGivesEachConversationsFirstHumanTurnAndItsReplysLength() throws Exception {
        Path jsonl = Files.writeString(dir.resolve("sharegpt.jsonl"), CONVERSATIONS);
        // The same conversations as one JSON array, as ShareGPT publishes them.
        Path array = Files.writeString(dir.resolve("sharegpt.json"),
                "[\n" + String.join(",\n", CONVERSATIONS.strip().split("\n")) + "\n]\n");
        // "2, 3 and 5 are primes." is 22 characters: 6 tokens at 4 characters a token; "Rayleigh scattering." 20: 5.
        Map<String, Integer> expected = Map.of("Name three primes.", 6, "Why is the sky blue?", 5, "Unanswered question", 7);
        for (Path file : List.of(jsonl, array)) {
            PromptDataset d = PromptDataset.read(file, "sharegpt", OUTPUT, 1);
            assertEquals(expected, prompts(d), file.toString());
            assertTrue(d.describe().contains("1 conversations without a human turn skipped"), d.describe());
            assertTrue(d.request(0).exactOutput());
        }
    }

    @Test
    void theOrderIsSeededAndWrapsAround() throws Exception {
        Path jsonl = Files.writeString(dir.resolve("sharegpt.jsonl"), CONVERSATIONS);
        PromptDataset a = PromptDataset.read(jsonl, "sharegpt", OUTPUT, 9);
        PromptDataset b = PromptDataset.read(jsonl, "sharegpt", OUTPUT, 9);
        for (int i = 0; i < 7; i++) {
            assertEquals(a.request(i).text(), b.request(i).text());
            assertEquals(a.request(i).text(), a.request(i + a.size()).text());
        }
    }

    @Test
    void jsonlPromptsStillReadAndBadInputIsNamed() throws Exception {
        Path jsonl = Files.writeString(dir.resolve("prompts.jsonl"), "{\"prompt\": \"hi\", \"max_tokens\": 3}\n\n{\"prompt\": \"yo\"}\n");
        assertEquals(Map.of("hi", 3, "yo", 7), prompts(PromptDataset.read(jsonl, "jsonl", OUTPUT, 1)));
        var format = assertThrows(IllegalArgumentException.class, () -> PromptDataset.read(jsonl, "alpaca", OUTPUT, 1));
        assertTrue(format.getMessage().contains("'alpaca'"), format.getMessage());
        Path empty = Files.writeString(dir.resolve("empty.json"), "[{\"conversations\": []}]");
        var none = assertThrows(IllegalArgumentException.class, () -> PromptDataset.read(empty, "sharegpt", OUTPUT, 1));
        assertTrue(none.getMessage().contains("empty.json"), none.getMessage());
    }

    @Test
    void sharedPrefixesAreFewFixedAndSeeded() {
        SyntheticWorkload suffixes = new SyntheticWorkload(new LengthDistribution.Uniform(4, 12), OUTPUT, 10, 5000, 3);
        SharedPrefixWorkload w = new SharedPrefixWorkload(4, 32, suffixes);
        Set<List<Integer>> prefixes = new HashSet<>();
        Set<List<Integer>> suffixSet = new HashSet<>();
        int[] uses = new int[4];
        for (int i = 0; i < 400; i++) {
            int[] ids = w.request(i).tokenIds();
            int[] suffix = suffixes.request(i).tokenIds();
            assertEquals(32 + suffix.length, ids.length);
            assertArrayEquals(suffix, Arrays.copyOfRange(ids, 32, ids.length), "the suffix follows the prefix");
            prefixes.add(IntStream.of(Arrays.copyOf(ids, 32)).boxed().toList());
            suffixSet.add(IntStream.of(suffix).boxed().toList());
            uses[w.prefixOf(i)]++;
            assertEquals(7, w.request(i).maxTokens());
        }
        assertEquals(4, prefixes.size(), "exactly N distinct prefixes");
        assertTrue(suffixSet.size() > 390, "suffixes differ");
        for (int u : uses) {
            assertTrue(u > 60, "each prefix is used: " + Arrays.toString(uses));
        }
        SharedPrefixWorkload again = new SharedPrefixWorkload(4, 32, suffixes);
        assertArrayEquals(w.request(123).tokenIds(), again.request(123).tokenIds());
        SharedPrefixWorkload otherSeed = new SharedPrefixWorkload(4, 32,
                new SyntheticWorkload(suffixes.input(), OUTPUT, 10, 5000, 4));
        assertTrue(!Arrays.equals(Arrays.copyOf(w.request(0).tokenIds(), 32), Arrays.copyOf(otherSeed.request(0).tokenIds(), 32)));
        assertThrows(IllegalArgumentException.class, () -> new SharedPrefixWorkload(0, 32, suffixes));
    }
}
