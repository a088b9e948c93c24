package dev.gauntlet.engine.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.engine.kv.PagedKvCache;
import dev.gauntlet.engine.model.ForwardModel;
import dev.gauntlet.engine.sampling.SamplingParams;
import dev.gauntlet.engine.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Reusable helpers for engine tests over any {@link ForwardModel}, including the batching
 * invariance check that the real model's tests can call as is.
 */
public final class EngineHarness {
    private EngineHarness() {
    }

    /** A prompt and its sampling parameters. */
    public record Job(int[] prompt, SamplingParams params) {
    }

    /** Everything one request produced. */
    public record Completion(List<TokenEvent> tokens, List<GenerationEvent> events, FinishEvent finish) {

        public int[] tokenIds() {
            return tokens.stream().mapToInt(TokenEvent::token).toArray();
        }

        public String text() {
            StringBuilder b = new StringBuilder();
            tokens.forEach(t -> b.append(t.text()));
            return b.toString();
        }
    }

    /** Runs one request through its handle's blocking stream and returns what it produced. */
    public static Completion collect(RequestHandle handle) {
        List<GenerationEvent> events = new ArrayList<>();
        handle.stream().forEachRemaining(events::add);
        return completion(events);
    }

    static Completion completion(List<GenerationEvent> events) {
        List<TokenEvent> tokens = events.stream().filter(e -> e instanceof TokenEvent).map(e -> (TokenEvent) e).toList();
        FinishEvent finish = (FinishEvent) events.getLast();
        return new Completion(tokens, List.copyOf(events), finish);
    }

    /** Runs each job alone, one after the other, each in a fresh cache from {@code caches}. */
    public static List<Completion> runAlone(ForwardModel model, Tokenizer tokenizer, Supplier<PagedKvCache> caches,
                                            EngineConfig config, List<Job> jobs) {
        List<Completion> out = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            try (InferenceEngine engine = new InferenceEngine(model, tokenizer, caches.get(), config)) {
                out.add(collect(engine.submit(GenerationRequest.of("alone-" + i, jobs.get(i).prompt(), jobs.get(i).params()))));
            }
        }
        return out;
    }

    /**
     * Runs all jobs in one engine, submitted while the engine thread is held at the first job's
     * first event, so that they all join the batch together. Returns completions in job order and
     * the largest batch seen.
     */
    public static BatchRun runTogether(ForwardModel model, Tokenizer tokenizer, PagedKvCache cache, EngineConfig config,
                                       List<Job> jobs) {
        CountDownLatch allSubmitted = new CountDownLatch(1);
        AtomicInteger largestBatch = new AtomicInteger();
        List<RequestHandle> handles = new ArrayList<>();
        List<List<GenerationEvent>> events = new ArrayList<>();
        try (InferenceEngine engine = new InferenceEngine(model, tokenizer, cache, config)) {
            engine.addStepListener(s -> largestBatch.accumulateAndGet(s.batchSize(), Math::max));
            for (int i = 0; i < jobs.size(); i++) {
                List<GenerationEvent> mine = new ArrayList<>();
                events.add(mine);
                boolean gate = i == 0;
                handles.add(engine.submit(GenerationRequest.of("batch-" + i, jobs.get(i).prompt(), jobs.get(i).params()),
                        e -> {
                            if (gate && mine.isEmpty()) {
                                awaitQuietly(allSubmitted);
                            }
                            mine.add(e);
                        }));
            }
            allSubmitted.countDown();
            handles.forEach(h -> h.completion().join());
            List<Completion> out = events.stream().map(EngineHarness::completion).toList();
            assertEquals(0, cache.usedBlocks(), "KV blocks leaked");
            return new BatchRun(out, largestBatch.get(), engine.stats());
        }
    }

    /** The result of {@link #runTogether}. */
    public record BatchRun(List<Completion> completions, int largestBatch, EngineStats stats) {
    }

    /**
     * Asserts that every job yields the same tokens and finish reason alone as inside one batch
     * of all jobs (jobs should use greedy or seeded sampling).
     */
    public static BatchRun assertBatchInvariant(ForwardModel model, Tokenizer tokenizer, Supplier<PagedKvCache> caches,
                                                EngineConfig config, List<Job> jobs) {
        List<Completion> alone = runAlone(model, tokenizer, caches, new EngineConfig(1, config.maxTokensPerStep()), jobs);
        BatchRun together = runTogether(model, tokenizer, caches.get(), config, jobs);
        assertTrue(together.largestBatch() >= Math.min(jobs.size(), config.maxBatchSize()) / 2,
                "the jobs were hardly batched: largest batch " + together.largestBatch());
        for (int i = 0; i < jobs.size(); i++) {
            assertArrayEquals(alone.get(i).tokenIds(), together.completions().get(i).tokenIds(),
                    "job " + i + " differs in a batch");
            assertEquals(alone.get(i).finish().reason(), together.completions().get(i).finish().reason(), "job " + i);
        }
        return together;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
