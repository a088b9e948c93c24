package dev.gauntlet.engine.cuda.model;

import dev.gauntlet.engine.kv.BlockTable;
import dev.gauntlet.engine.model.SequenceChunk;
import dev.gauntlet.engine.model.StepLayout;

/**
 * One step's integer inputs for the kernels, packed into one array so that a single copy moves
 * them to the device: for the step's {@code n} tokens their ids, positions, KV slots (element
 * offsets in a layer's storage) and the start of their sequence's block table; then the token
 * index of each logit row; then each chunk's block table.
 */
public final class StepMetadata {
    private final int[] packed;
    private final int tokens;
    private final int logitRows;

    private StepMetadata(int[] packed, int tokens, int logitRows) {
        this.packed = packed;
        this.tokens = tokens;
        this.logitRows = logitRows;
    }

    /** Packs {@code step}. */
    public static StepMetadata of(StepLayout step) {
        int n = step.tokens();
        int rows = step.logitRows();
        int tableInts = 0;
        for (SequenceChunk c : step.chunks()) {
            tableInts += c.blocks().size();
        }
        int[] packed = new int[4 * n + rows + tableInts];
        int blocksAt = 4 * n + rows;
        int t = 0;
        for (SequenceChunk c : step.chunks()) {
            BlockTable table = c.blocks();
            int tableStart = blocksAt - (4 * n + rows);
            for (int i = 0; i < table.size(); i++) {
                packed[blocksAt++] = table.block(i);
            }
            for (int i = 0; i < c.tokens().length; i++, t++) {
                packed[t] = step.tokenId(t);
                packed[n + t] = step.position(t);
                packed[2 * n + t] = step.slot(t);
                packed[3 * n + t] = tableStart;
            }
        }
        System.arraycopy(step.logitTokens(), 0, packed, 4 * n, rows);
        return new StepMetadata(packed, n, rows);
    }

    /** The packed ints. */
    public int[] packed() {
        return packed;
    }

    /** Ints in {@link #packed()}. */
    public int length() {
        return packed.length;
    }

    /** Index of the token ids. */
    public int tokenIds() {
        return 0;
    }

    /** Index of the positions. */
    public int positions() {
        return tokens;
    }

    /** Index of the KV slots. */
    public int slots() {
        return 2 * tokens;
    }

    /** Index of the table starts, each relative to {@link #blocks()}. */
    public int tableStarts() {
        return 3 * tokens;
    }

    /** Index of the logit rows' token indices. */
    public int logitTokens() {
        return 4 * tokens;
    }

    /** Index of the block tables. */
    public int blocks() {
        return 4 * tokens + logitRows;
    }
}
