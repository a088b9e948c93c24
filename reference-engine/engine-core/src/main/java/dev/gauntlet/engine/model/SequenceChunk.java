package dev.gauntlet.engine.model;

import dev.gauntlet.engine.kv.BlockTable;

/**
 * Consecutive tokens of one sequence to run in a forward step.
 *
 * @param blocks        the sequence's KV blocks; must already cover {@code startPos + tokens.length} positions
 * @param tokens        token ids at positions {@code startPos, startPos+1, ...}
 * @param startPos      position of {@code tokens[0]}; earlier positions are already in the cache
 * @param logitsForAll  return logits after every token (prompt logprobs), not only after the last
 */
public record SequenceChunk(BlockTable blocks, int[] tokens, int startPos, boolean logitsForAll) {

    /** Number of logit rows the forward pass returns for this chunk. */
    public int logitRows() {
        return logitsForAll ? tokens.length : 1;
    }
}
