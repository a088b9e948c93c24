package dev.gauntlet.accuracy.logits;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Supplier;

/** Keeps the {@code limit} positions with the largest KL divergence; builds texts only for those kept. */
public final class WorstTokens {
    private final int limit;
    private final PriorityQueue<WorstToken> heap = new PriorityQueue<>(Comparator.comparingDouble(WorstToken::kld));

    public WorstTokens(int limit) {
        this.limit = limit;
    }

    /** Offers a position; {@code details} is called only when it ranks among the worst so far. */
    public void offer(double kld, Supplier<WorstToken> details) {
        if (limit == 0 || (heap.size() == limit && kld <= heap.peek().kld())) {
            return;
        }
        heap.add(details.get());
        if (heap.size() > limit) {
            heap.poll();
        }
    }

    /** The positions kept, largest KL divergence first. */
    public List<WorstToken> largestFirst() {
        List<WorstToken> out = new ArrayList<>(heap);
        out.sort(Comparator.comparingDouble(WorstToken::kld).reversed());
        return out;
    }
}
