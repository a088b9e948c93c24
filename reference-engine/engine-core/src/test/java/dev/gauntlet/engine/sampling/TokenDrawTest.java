package dev.gauntlet.engine.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TokenDrawTest {

    @Test
    void greedyIsTheLargestLogitWithTheLowestIdOnTies() {
        float[] row = {0, 1, 5, 5, 2};
        assertEquals(2, TokenDraw.GREEDY.pick(row, 0, row.length));
        assertEquals(2, TokenDraw.GREEDY.pick(new float[] {9, 0, 1, 5, 5}, 1, 4)); // offset 1: ids 2 and 3 tie
    }

    @Test
    void topKTakesTheFirstCandidateWhoseCumulativeWeightExceedsTheDraw() {
        // Candidates largest first, ties by id: 1 and 3 (weight 1 each), then 2 (weight 1/2 at T = 1).
        float[] row = {0, 3, 3 - (float) Math.log(2), 3, -4};
        TokenDraw[] cases = {new TokenDraw(3, 1, 0), new TokenDraw(3, 1, 0.39), new TokenDraw(3, 1, 0.41),
                new TokenDraw(3, 1, 0.79), new TokenDraw(3, 1, 0.81), new TokenDraw(2, 1, 0.49),
                new TokenDraw(2, 1, 0.5)};
        int[] expected = {1, 1, 3, 3, 2, 1, 3};
        for (int i = 0; i < cases.length; i++) {
            assertEquals(expected[i], cases[i].pick(row, 0, row.length), cases[i].toString());
        }
        // A temperature of 1/2 squares the weights: 1, 1, 1/4; total 2.25, so 0.9 × 2.25 > 2 picks id 2.
        assertEquals(2, new TokenDraw(3, 0.5, 0.9).pick(row, 0, row.length));
        assertEquals(3, new TokenDraw(3, 0.5, 0.88).pick(row, 0, row.length));
    }

    @Test
    void aSamplerDrawsTheSameTokensThroughDrawsAsThroughSample() {
        SamplingParams p = SamplingParams.builder().temperature(0.7).topK(40).seed(9L).build();
        Sampler direct = new Sampler(p);
        Sampler viaDraws = new Sampler(p);
        SplittableRandom r = new SplittableRandom(1);
        for (int step = 0; step < 200; step++) {
            float[] row = new float[500];
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) r.nextGaussian() * 3;
            }
            assertEquals(direct.sample(row, 0, row.length, new int[0]), viaDraws.nextDraw(row.length).pick(row, 0, row.length));
        }
    }

    @Test
    void requestsThatNeedTheWholeRowHaveNoDraw() {
        assertThrows(IllegalStateException.class, () -> new Sampler(SamplingParams.builder().temperature(1).topK(5)
                .topP(0.9).build()).nextDraw(100));
        assertThrows(IllegalStateException.class, () -> new Sampler(SamplingParams.builder().temperature(1).build())
                .nextDraw(100));
        assertThrows(IllegalArgumentException.class, () -> new TokenDraw(0, 1, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new TokenDraw(1, 1, 1));
    }
}
