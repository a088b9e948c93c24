package dev.gauntlet.engine.cuda.model;

import dev.gauntlet.engine.kv.BlockTable;
import dev.gauntlet.engine.model.RopeRotations;
import dev.gauntlet.engine.model.SequenceChunk;
import dev.gauntlet.engine.model.StepLayout;

/**
 * One step's inputs for the kernels, packed into one int array so that a single copy moves them
 * to the device: for the step's {@code n} tokens their ids, positions, KV slots (element offsets
 * in a layer's storage) and the start of their sequence's block table; then the token index of
 * each logit row; then each token's RoPE rotations; then each chunk's block table. Every region
 * but the block tables starts at an index that depends on the token and logit-row counts alone,
 * which a captured decode graph bakes in.
 */
public final class StepMetadata {
    private final int[] packed;
    private final int tokens;
    private final int logitRows;
    private final int ropeDim;

    private StepMetadata(int[] packed, int tokens, int logitRows, int ropeDim) {
        this.packed = packed;
        this.tokens = tokens;
        this.logitRows = logitRows;
        this.ropeDim = ropeDim;
    }

    /**
     * Packs {@code step}, with each token's {@code rope} rotations: computed here once per token
     * rather than on the device, where the fused QKV product's every row would take a
     * double-precision cos and sin.
     */
    public static StepMetadata of(StepLayout step, RopeRotations rope) {
        int n = step.tokens();
        int rows = step.logitRows();
        int ropeDim = rope.floatsPerPosition();
        float[] rotation = new float[ropeDim];
        int tableInts = 0;
        for (SequenceChunk c : step.chunks()) {
            tableInts += c.blocks().size();
        }
        int firstBlock = intsBeforeTables(n, rows, ropeDim);
        int[] packed = new int[firstBlock + tableInts];
        int blocksAt = firstBlock;
        int t = 0;
        for (SequenceChunk c : step.chunks()) {
            BlockTable table = c.blocks();
            int tableStart = blocksAt - firstBlock;
            for (int i = 0; i < table.size(); i++) {
                packed[blocksAt++] = table.block(i);
            }
            for (int i = 0; i < c.tokens().length; i++, t++) {
                packed[t] = step.tokenId(t);
                packed[n + t] = step.position(t);
                packed[2 * n + t] = step.slot(t);
                packed[3 * n + t] = tableStart;
                rope.write(step.position(t), rotation, 0);
                for (int f = 0; f < ropeDim; f++) {
                    packed[4 * n + rows + t * ropeDim + f] = Float.floatToRawIntBits(rotation[f]);
                }
            }
        }
        System.arraycopy(step.logitTokens(), 0, packed, 4 * n, rows);
        return new StepMetadata(packed, n, rows, ropeDim);
    }

    /**
     * The same step for one of {@code ranks} tensor-parallel ranks, each of which caches
     * {@code 1/ranks} of every token's keys and values: the KV slots, element offsets into the
     * whole width, scaled to the rank's width. This metadata itself when {@code ranks} is 1.
     */
    public StepMetadata forRanks(int ranks) {
        if (ranks == 1) {
            return this;
        }
        int[] copy = packed.clone();
        for (int t = 0; t < tokens; t++) {
            copy[slots() + t] /= ranks;
        }
        return new StepMetadata(copy, tokens, logitRows, ropeDim);
    }

    /** Ints of a step's metadata for {@code tokens} tokens and {@code rows} logit rows, block tables aside. */
    public static int intsBeforeTables(int tokens, int rows, int ropeDim) {
        return 4 * tokens + rows + tokens * ropeDim;
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

    /** Index of the RoPE rotations: per token, the (cos, sin) floats of each pair of dimensions. */
    public int rotations() {
        return 4 * tokens + logitRows;
    }

    /** Index of the block tables. */
    public int blocks() {
        return intsBeforeTables(tokens, logitRows, ropeDim);
    }
}
