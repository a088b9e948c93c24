package dev.gauntlet.load.workload;

import dev.gauntlet.load.client.GenerationRequest;
import java.util.SplittableRandom;

/**
 * Random prompts of token ids with drawn input and output lengths. Token ids (not text) make the
 * input length exact without the target's tokenizer; they are drawn from {@code [firstId, endId)},
 * which must lie inside the target's vocabulary. Output lengths are asked for exactly.
 */
public record SyntheticWorkload(LengthDistribution input, LengthDistribution output, int firstId, int endId, long seed)
        implements Workload {

    public SyntheticWorkload {
        if (firstId < 0 || endId <= firstId) {
            throw new IllegalArgumentException("token id range [" + firstId + ", " + endId + ") is empty");
        }
    }

    @Override
    public GenerationRequest request(long sequence) {
        // One generator per request, split from the seed by sequence: reproducible in any order.
        SplittableRandom random = new SplittableRandom(seed ^ (sequence * 0x9E3779B97F4A7C15L));
        int[] ids = new int[input.sample(random)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt(firstId, endId);
        }
        return new GenerationRequest(null, ids, output.sample(random), true);
    }

    @Override
    public String describe() {
        return "synthetic input=" + input + " output=" + output + " ids=[" + firstId + "," + endId + ") seed=" + seed;
    }
}
