package dev.gauntlet.engine.cuda.model;

import dev.gauntlet.engine.kv.BlockTable;
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
     * Packs {@code step}, with the rotations of RoPE with inverse frequencies {@code invFreq}
     * (one per pair of dimensions) at positions scaled down by {@code ropeScale}.
     */
    public static StepMetadata of(StepLayout step, float[] invFreq, float ropeScale) {
        int n = step.tokens();
        int rows = step.logitRows();
        int ropeDim = 2 * invFreq.length;
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
                rotations(step.position(t), invFreq, ropeScale, packed, 4 * n + rows + t * ropeDim);
            }
        }
        System.arraycopy(step.logitTokens(), 0, packed, 4 * n, rows);
        return new StepMetadata(packed, n, rows, ropeDim);
    }

    /**
     * The (cos, sin) of each pair's angle at {@code pos}, as float bits, in the CPU model's
     * arithmetic (LlamaModel.rope): computed here once per token rather than on the device, where
     * the fused QKV product's every row would take a double-precision cos and sin.
     */
    private static void rotations(int pos, float[] invFreq, float ropeScale, int[] out, int at) {
        double p = pos / (double) ropeScale;
        for (int i = 0; i < invFreq.length; i++) {
            double angle = p * invFreq[i];
            out[at + 2 * i] = Float.floatToRawIntBits((float) Math.cos(angle));
            out[at + 2 * i + 1] = Float.floatToRawIntBits((float) Math.sin(angle));
        }
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
