package dev.gauntlet.engine.cuda.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gauntlet.engine.kv.BlockTable;
import dev.gauntlet.engine.kv.PagedKvCache;
import dev.gauntlet.engine.model.RopeRotations;
import dev.gauntlet.engine.model.SequenceChunk;
import dev.gauntlet.engine.model.StepLayout;
import dev.gauntlet.engine.synth.ModelShape;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepMetadataTest {

    @Test
    void packsIdsPositionsSlotsLogitRowsRotationsAndTables() {
        var config = ModelShape.TINY.config();
        PagedKvCache cache = new PagedKvCache(config.layers(), config.kvDim(), 4, 16);
        BlockTable holdsBlockZero = new BlockTable();
        cache.ensureCapacity(holdsBlockZero, 4);
        BlockTable a = new BlockTable();
        cache.ensureCapacity(a, 6); // blocks 1, 2
        BlockTable b = new BlockTable();
        cache.ensureCapacity(b, 3); // block 3
        StepLayout step = new StepLayout(List.of(
                new SequenceChunk(a, new int[] {7}, 5, false),           // decode at position 5
                new SequenceChunk(b, new int[] {1, 2, 3}, 0, true)),    // prefill with every row's logits
                cache, config);

        float[] invFreq = config.ropeInverseFrequencies();
        StepMetadata m = StepMetadata.of(step, new RopeRotations(config));

        int kv = config.kvDim();
        int[] p = m.packed();
        assertArrayEquals(new int[] {7, 1, 2, 3}, Arrays.copyOfRange(p, m.tokenIds(), m.tokenIds() + 4));
        assertArrayEquals(new int[] {5, 0, 1, 2}, Arrays.copyOfRange(p, m.positions(), m.positions() + 4));
        // position 5 of a is slot 2*4 + 1; b's positions are slots 12, 13, 14
        assertArrayEquals(new int[] {9 * kv, 12 * kv, 13 * kv, 14 * kv}, Arrays.copyOfRange(p, m.slots(), m.slots() + 4));
        assertArrayEquals(new int[] {0, 2, 2, 2}, Arrays.copyOfRange(p, m.tableStarts(), m.tableStarts() + 4));
        assertArrayEquals(new int[] {0, 1, 2, 3}, Arrays.copyOfRange(p, m.logitTokens(), m.logitTokens() + 4));
        // token 3 (position 2), pair 1: the cos and sin the CPU model's RoPE takes
        int rope = config.ropeDim();
        double angle = 2 / (double) config.ropeScale() * invFreq[1];
        assertEquals((float) Math.cos(angle), Float.intBitsToFloat(p[m.rotations() + 3 * rope + 2]));
        assertEquals((float) Math.sin(angle), Float.intBitsToFloat(p[m.rotations() + 3 * rope + 3]));
        assertArrayEquals(new int[] {1, 2, 3}, Arrays.copyOfRange(p, m.blocks(), m.length()));
        assertEquals(4 * 4 + 4 + 4 * rope + 3, m.length());
    }
}
