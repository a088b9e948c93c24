package dev.gauntlet.load.workload;

import dev.gauntlet.load.client.GenerationRequest;
import java.util.SplittableRandom;

/**
 * Prompts that share prefixes, as system prompts and few-shot examples do: {@code prefixes} fixed
 * prefixes of {@code prefixTokens} token ids each, drawn once from the seed, and before each a
 * suffix from {@code suffixes} (whose input length is the suffix's). Each request picks its prefix
 * uniformly, from the seed and its sequence number, so an engine with prefix caching sees each
 * prefix again about every {@code prefixes} requests.
 */
public final class SharedPrefixWorkload implements Workload {
    private final int[][] prefixes;
    private final SyntheticWorkload suffixes;

    /** Prefixes draw their ids from the same range and seed as {@code suffixes}. */
    public SharedPrefixWorkload(int prefixes, int prefixTokens, SyntheticWorkload suffixes) {
        if (prefixes < 1 || prefixTokens < 1) {
            throw new IllegalArgumentException("--shared-prefixes and --prefix-tokens must be ≥ 1, got " + prefixes
                    + " and " + prefixTokens);
        }
        this.suffixes = suffixes;
        this.prefixes = new int[prefixes][prefixTokens];
        // Not the suffixes' per-sequence generators: a stream of its own, split from the seed.
        SplittableRandom random = new SplittableRandom(suffixes.seed()).split();
        for (int[] prefix : this.prefixes) {
            for (int i = 0; i < prefix.length; i++) {
                prefix[i] = random.nextInt(suffixes.firstId(), suffixes.endId());
            }
        }
    }

    /** Which prefix request {@code sequence} uses. */
    public int prefixOf(long sequence) {
        return new SplittableRandom(~suffixes.seed() ^ (sequence * 0x9E3779B97F4A7C15L)).nextInt(prefixes.length);
    }

    @Override
    public GenerationRequest request(long sequence) {
        int[] prefix = prefixes[prefixOf(sequence)];
        GenerationRequest suffix = suffixes.request(sequence);
        int[] ids = new int[prefix.length + suffix.tokenIds().length];
        System.arraycopy(prefix, 0, ids, 0, prefix.length);
        System.arraycopy(suffix.tokenIds(), 0, ids, prefix.length, suffix.tokenIds().length);
        return new GenerationRequest(null, ids, suffix.maxTokens(), suffix.exactOutput());
    }

    @Override
    public String describe() {
        return "shared-prefix prefixes=" + prefixes.length + " prefix_tokens=" + prefixes[0].length + ", suffix "
                + suffixes.describe();
    }
}
