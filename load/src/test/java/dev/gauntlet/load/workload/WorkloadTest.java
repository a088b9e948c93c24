package dev.gauntlet.load.workload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.load.client.GenerationRequest;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WorkloadTest {
    private static int[] draw(LengthDistribution d, int n) {
        SplittableRandom random = new SplittableRandom(1);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = d.sample(random);
        }
        return out;
    }

    @Test
    void distributionsHaveTheirMeansAndBounds() {
        int n = 200_000;
        assertTrue(Arrays.stream(draw(LengthDistribution.parse("fixed:7"), 100)).allMatch(v -> v == 7));
        int[] uniform = draw(LengthDistribution.parse("uniform:10,20"), n);
        assertTrue(Arrays.stream(uniform).allMatch(v -> v >= 10 && v <= 20));
        assertEquals(15, Arrays.stream(uniform).average().orElseThrow(), 0.05);
        assertEquals(11, Arrays.stream(uniform).distinct().count(), "both ends are included");
        int[] normal = draw(LengthDistribution.parse("normal:200,20"), n);
        double mean = Arrays.stream(normal).average().orElseThrow();
        double sd = Math.sqrt(Arrays.stream(normal).mapToDouble(v -> (v - mean) * (v - mean)).sum() / n);
        assertEquals(200, mean, 0.3);
        assertEquals(20, sd, 0.3);
        LengthDistribution logNormal = LengthDistribution.parse("lognormal:100,0.5");
        int[] ln = draw(logNormal, n);
        int[] sorted = ln.clone();
        Arrays.sort(sorted);
        assertEquals(100, sorted[n / 2], 2, "median");
        assertEquals(logNormal.mean(), Arrays.stream(ln).average().orElseThrow(), 1.0);
        assertTrue(Arrays.stream(draw(LengthDistribution.parse("normal:2,50"), 1000)).allMatch(v -> v >= 1), "clamped to ≥ 1");
    }

    @Test
    void malformedSpecsAreRejectedByName() {
        assertThrows(IllegalArgumentException.class, () -> LengthDistribution.parse("zipf:3"));
        assertThrows(IllegalArgumentException.class, () -> LengthDistribution.parse("uniform:5"));
        assertThrows(IllegalArgumentException.class, () -> LengthDistribution.parse("uniform:9,3"));
    }

    @Test
    void syntheticRequestsDependOnlyOnSeedAndSequence() {
        SyntheticWorkload w = new SyntheticWorkload(LengthDistribution.parse("uniform:5,50"),
                LengthDistribution.parse("normal:30,5"), 10, 500, 9);
        GenerationRequest late = w.request(41);
        for (int i = 0; i < 41; i++) {
            w.request(i);
        }
        GenerationRequest again = new SyntheticWorkload(w.input(), w.output(), 10, 500, 9).request(41);
        assertArrayEquals(late.tokenIds(), again.tokenIds());
        assertEquals(late.maxTokens(), again.maxTokens());
        assertTrue(Arrays.stream(late.tokenIds()).allMatch(id -> id >= 10 && id < 500));
        assertTrue(late.exactOutput());
    }
}
