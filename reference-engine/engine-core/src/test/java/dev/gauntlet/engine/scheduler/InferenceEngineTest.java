package dev.gauntlet.engine.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.engine.kv.PagedKvCache;
import dev.gauntlet.engine.sampling.Logprobs;
import dev.gauntlet.engine.sampling.SamplingParams;
import dev.gauntlet.engine.sampling.TokenLogprobs;
import dev.gauntlet.engine.scheduler.EngineHarness.Completion;
import dev.gauntlet.engine.scheduler.EngineHarness.Job;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InferenceEngineTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private final FakeTokenizer tokenizer = new FakeTokenizer();
    private final HashingFakeModel model = new HashingFakeModel(512);

    private static int[] prompt(SplittableRandom r, int length) {
        return r.ints(length, 2, FakeTokenizer.VOCAB).toArray();
    }

    private Completion runOne(PagedKvCache cache, EngineConfig config, int[] prompt, SamplingParams params) {
        try (InferenceEngine engine = new InferenceEngine(model, tokenizer, cache, config)) {
            return EngineHarness.collect(engine.submit(GenerationRequest.of("r", prompt, params)));
        }
    }

    @Test
    void greedyOutputIsTheSameAloneAndInABatchOf16() {
        assertTimeoutPreemptively(LIMIT, () -> {
            SplittableRandom r = new SplittableRandom(1);
            List<Job> jobs = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                jobs.add(new Job(prompt(r, 1 + r.nextInt(60)), SamplingParams.greedy(5 + r.nextInt(40))));
            }
            var run = EngineHarness.assertBatchInvariant(model, tokenizer, () -> model.cache(256, 8),
                    new EngineConfig(16, 64), jobs);
            assertEquals(16, run.completions().size());
        });
    }

    @Test
    void seededSamplingIsTheSameAloneAndInABatch() {
        assertTimeoutPreemptively(LIMIT, () -> {
            SplittableRandom r = new SplittableRandom(2);
            List<Job> jobs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                jobs.add(new Job(prompt(r, 1 + r.nextInt(30)), SamplingParams.builder().temperature(0.9).topK(20)
                        .topP(0.9).seed((long) i).maxTokens(30).build()));
            }
            EngineHarness.assertBatchInvariant(model, tokenizer, () -> model.cache(256, 8), new EngineConfig(8, 32), jobs);
        });
    }

    @Test
    void stepsWithoutLogprobsTakeTokenIdsOnlyAndGiveTheSameTokens() {
        assertTimeoutPreemptively(LIMIT, () -> {
            SplittableRandom r = new SplittableRandom(5);
            List<Job> idsOnly = new ArrayList<>();
            List<Job> withLogits = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                SamplingParams.Builder b = i % 2 == 0 ? SamplingParams.builder()
                        : SamplingParams.builder().temperature(0.8).topK(1 + i * 3).seed((long) i);
                SamplingParams p = b.maxTokens(25).ignoreEos(true).build();
                int[] prompt = prompt(r, 1 + r.nextInt(40));
                idsOnly.add(new Job(prompt, p));
                // Logprobs need the logits on the host: the engine samples from forward's rows as before.
                withLogits.add(new Job(prompt, p.toBuilder().logprobs(0).build()));
            }
            model.sampleCalls.set(0);
            var before = EngineHarness.runTogether(model, tokenizer, model.cache(256, 8), new EngineConfig(8, 32),
                    withLogits);
            assertEquals(0, model.sampleCalls.get());
            var after = EngineHarness.runTogether(model, tokenizer, model.cache(256, 8), new EngineConfig(8, 32),
                    idsOnly);
            assertTrue(model.sampleCalls.get() > 0);
            for (int i = 0; i < idsOnly.size(); i++) {
                assertArrayEquals(before.completions().get(i).tokenIds(), after.completions().get(i).tokenIds(),
                        "job " + i);
            }
        });
    }

    @Test
    void chunkedPrefillGivesTheSameOutputAndPromptLogprobsAsOneShot() {
        assertTimeoutPreemptively(LIMIT, () -> {
            int[] prompt = prompt(new SplittableRandom(3), 100);
            SamplingParams params = SamplingParams.builder().maxTokens(20).ignoreEos(true).promptLogprobs(2).logprobs(3).build();
            Completion oneShot = runOne(model.cache(64, 8), new EngineConfig(4, 128), prompt, params);
            assertEquals(100, model.longestChunk.getAndSet(0));
            Completion chunked = runOne(model.cache(64, 8), new EngineConfig(4, 7), prompt, params);
            assertEquals(7, model.longestChunk.get());
            assertArrayEquals(oneShot.tokenIds(), chunked.tokenIds());
            assertEquals(20, chunked.tokens().size());
            assertEquals(FinishReason.LENGTH, chunked.finish().reason());

            List<TokenLogprobs> a = promptLogprobs(oneShot);
            assertEquals(a, promptLogprobs(chunked));
            assertEquals(99, a.size());
            for (int i : new int[] {0, 50, 98}) {
                // Entry i is prompt token i+1 given tokens 0..i.
                TokenLogprobs expected = Logprobs.of(model.logitsAfter(Arrays.copyOf(prompt, i + 1)), 0,
                        FakeTokenizer.VOCAB, prompt[i + 1], 2);
                assertEquals(expected, a.get(i));
            }
            // Generated token logprobs are those of the model's distribution after the context.
            TokenEvent first = chunked.tokens().getFirst();
            assertEquals(Logprobs.of(model.logitsAfter(prompt), 0, FakeTokenizer.VOCAB, first.token(), 3), first.logprobs());
            assertEquals(1, first.logprobs().rank()); // greedy picks the most likely token
        });
    }

    private static List<TokenLogprobs> promptLogprobs(Completion c) {
        assertTrue(c.events().getFirst() instanceof PromptLogprobsEvent, "prompt logprobs come first");
        return ((PromptLogprobsEvent) c.events().getFirst()).logprobs();
    }

    @Test
    void stopStringEndsGenerationAndIsNotInTheText() {
        assertTimeoutPreemptively(LIMIT, () -> {
            int[] prompt = prompt(new SplittableRandom(4), 10);
            SamplingParams base = SamplingParams.builder().maxTokens(60).ignoreEos(true).build();
            Completion full = runOne(model.cache(64, 8), new EngineConfig(4, 64), prompt, base);
            String text = full.text();
            assertEquals(tokenizer.decode(full.tokenIds()).replace("</s>", ""), text);
            // A 3-character stop string from the middle, which may straddle token boundaries.
            String stop = text.substring(text.length() / 2, text.length() / 2 + 3);
            Completion stopped = runOne(model.cache(64, 8), new EngineConfig(4, 64), prompt,
                    base.toBuilder().stop(List.of("never", stop)).build());
            assertEquals(text.substring(0, text.indexOf(stop)), stopped.text());
            assertEquals(FinishReason.STOP, stopped.finish().reason());
            assertEquals(stop, stopped.finish().stopString());
            assertTrue(stopped.tokens().size() < full.tokens().size());
        });
    }

    @Test
    void stopTokenIdsEosAndMinTokens() {
        assertTimeoutPreemptively(LIMIT, () -> {
            int[] prompt = prompt(new SplittableRandom(5), 10);
            Completion full = runOne(model.cache(64, 8), new EngineConfig(4, 64), prompt,
                    SamplingParams.builder().maxTokens(40).ignoreEos(true).build());
            int stopId = full.tokenIds()[5];
            int firstAt = Arrays.stream(full.tokenIds()).boxed().toList().indexOf(stopId);
            Completion stopped = runOne(model.cache(64, 8), new EngineConfig(4, 64), prompt,
                    SamplingParams.builder().maxTokens(40).ignoreEos(true).stopTokenIds(List.of(stopId)).build());
            assertEquals(firstAt + 1, stopped.tokens().size());
            assertEquals(stopId, stopped.finish().stopTokenId());
            assertEquals("", stopped.tokens().getLast().text());

            // EOS stops; min_tokens forbids it before then.
            SplittableRandom r = new SplittableRandom(6);
            for (int i = 0; i < 40; i++) {
                int[] p = prompt(r, 5);
                Completion c = runOne(model.cache(64, 8), new EngineConfig(4, 64), p,
                        SamplingParams.builder().maxTokens(30).minTokens(10).build());
                int[] ids = c.tokenIds();
                for (int k = 0; k < Math.min(10, ids.length); k++) {
                    assertTrue(ids[k] != 0, "EOS before min_tokens");
                }
                if (c.finish().reason() == FinishReason.STOP) {
                    assertEquals(0, ids[ids.length - 1]);
                    assertFalse(c.text().contains("</s>"));
                }
            }
        });
    }

    @Test
    void preemptionThenRecomputeGivesTheSameGreedyOutput() {
        assertTimeoutPreemptively(LIMIT, () -> {
            SplittableRandom r = new SplittableRandom(7);
            List<Job> jobs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                jobs.add(new Job(prompt(r, 10 + r.nextInt(20)),
                        SamplingParams.builder().maxTokens(60).ignoreEos(true).promptLogprobs(1).build()));
            }
            List<Completion> alone = EngineHarness.runAlone(model, tokenizer, () -> model.cache(64, 4),
                    new EngineConfig(1, 64), jobs);
            // 40 blocks of 4 = 160 positions for 6 sequences of up to 89: they cannot all fit.
            var together = EngineHarness.runTogether(model, tokenizer, model.cache(40, 4), new EngineConfig(6, 64), jobs);
            assertTrue(together.stats().preemptions() > 0, "expected preemptions");
            boolean sawPreempted = false;
            for (int i = 0; i < jobs.size(); i++) {
                Completion c = together.completions().get(i);
                assertArrayEquals(alone.get(i).tokenIds(), c.tokenIds(), "job " + i);
                assertEquals(promptLogprobs(alone.get(i)), promptLogprobs(c));
                assertEquals(1, c.events().stream().filter(e -> e instanceof PromptLogprobsEvent).count());
                long preempted = c.events().stream().filter(e -> e instanceof PreemptedEvent).count();
                assertEquals(preempted, c.finish().preemptions());
                sawPreempted |= preempted > 0;
            }
            assertTrue(sawPreempted);
        });
    }

    @Test
    void cancellationEndsAtTheNextStepAndFreesBlocks() {
        assertTimeoutPreemptively(LIMIT, () -> {
            PagedKvCache cache = model.cache(64, 8);
            try (InferenceEngine engine = new InferenceEngine(model, tokenizer, cache, new EngineConfig(4, 64))) {
                // The listener may run before submit returns: it waits for the handle.
                CompletableFuture<RequestHandle> self = new CompletableFuture<>();
                List<GenerationEvent> events = new ArrayList<>();
                AtomicInteger usedAtCancel = new AtomicInteger();
                RequestHandle handle = engine.submit(GenerationRequest.of("c", prompt(new SplittableRandom(8), 30),
                        SamplingParams.builder().maxTokens(400).ignoreEos(true).build()), e -> {
                    events.add(e);
                    if (e instanceof TokenEvent t && t.index() == 2) {
                        usedAtCancel.set(cache.usedBlocks());
                        self.join().cancel();
                    }
                });
                self.complete(handle);
                FinishEvent f = handle.completion().join();
                assertEquals(FinishReason.CANCELLED, f.reason());
                assertEquals(3, f.usage().generatedTokens()); // no step ran after the cancel
                assertTrue(usedAtCancel.get() > 0);
                assertEquals(0, cache.usedBlocks());

                // A waiting request can be cancelled too, and the engine goes on.
                engine.faults().slowSteps(20);
                RequestHandle a = engine.submit(GenerationRequest.of("a", new int[] {5, 6}, SamplingParams.greedy(50)));
                a.cancel();
                assertEquals(FinishReason.CANCELLED, a.completion().join().reason());
                engine.faults().reset();
                assertFalse(EngineHarness.collect(engine.submit(GenerationRequest.of("b", new int[] {5},
                        SamplingParams.greedy(5)))).tokens().isEmpty());
            }
        });
    }

    @Test
    void impossibleRequestsAreRejectedAtOnceWithTheValueNamed() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (InferenceEngine engine = new InferenceEngine(model, tokenizer, model.cache(8, 4), new EngineConfig(4, 16))) {
                assertRejected(engine, RejectionReason.EMPTY_PROMPT, new int[0], SamplingParams.greedy(4), "at least one token");
                assertRejected(engine, RejectionReason.INVALID_TOKEN, new int[] {3, 64}, SamplingParams.greedy(4), "token 64 at index 1");
                assertRejected(engine, RejectionReason.CONTEXT_LENGTH_EXCEEDED, new int[500], SamplingParams.greedy(13),
                        "= 513 exceeds the context length of 512");
                assertRejected(engine, RejectionReason.EXCEEDS_KV_CACHE, new int[20], SamplingParams.greedy(20),
                        "needs up to 39 KV positions (10 blocks of 4) but the whole cache holds 8 blocks");
                assertEquals(1L, engine.stats().rejections().get(RejectionReason.EXCEEDS_KV_CACHE));
                // A request that fits exactly still runs.
                Completion ok = EngineHarness.collect(engine.submit(GenerationRequest.of("ok", new int[20],
                        SamplingParams.builder().maxTokens(13).ignoreEos(true).build())));
                assertEquals(FinishReason.LENGTH, ok.finish().reason());
                assertEquals(13, ok.tokens().size());
            }
            InferenceEngine closed = new InferenceEngine(model, tokenizer, model.cache(8, 4), new EngineConfig(4, 16));
            closed.close();
            assertRejected(closed, RejectionReason.ENGINE_STOPPED, new int[] {3}, SamplingParams.greedy(1), "shut down");
        });
    }

    private static void assertRejected(InferenceEngine engine, RejectionReason reason, int[] prompt, SamplingParams p,
                                       String message) {
        RequestRejectedException e = assertThrows(RequestRejectedException.class,
                () -> engine.submit(GenerationRequest.of("x", prompt, p)));
        assertEquals(reason, e.reason());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void kvHoldBackThatLeavesNoRoomRejectsInsteadOfHanging() {
        assertTimeoutPreemptively(LIMIT, () -> {
            PagedKvCache cache = model.cache(16, 4);
            try (InferenceEngine engine = new InferenceEngine(model, tokenizer, cache, new EngineConfig(4, 16))) {
                assertEquals(16, engine.faults().holdBackKv(1.0).join());
                Completion c = EngineHarness.collect(engine.submit(GenerationRequest.of("p", new int[] {4, 5, 6},
                        SamplingParams.greedy(5))));
                assertEquals(FinishReason.REJECTED, c.finish().reason());
                assertTrue(c.finish().message().contains("KV cache exhausted"), c.finish().message());
                assertEquals(1L, engine.stats().rejections().get(RejectionReason.KV_CACHE_EXHAUSTED));
                assertEquals(0, engine.faults().holdBackKv(0).join());
                assertEquals(FinishReason.LENGTH, EngineHarness.collect(engine.submit(GenerationRequest.of("q",
                        new int[] {4, 5, 6}, SamplingParams.builder().maxTokens(5).ignoreEos(true).build()))).finish().reason());
                assertEquals(0, cache.usedBlocks());
            }
        });
    }

    @Test
    void modelFailuresAndInjectedStepFailuresEndTheStepsRequestsWithError() {
        assertTimeoutPreemptively(LIMIT, () -> {
            PagedKvCache cache = model.cache(64, 4);
            try (InferenceEngine engine = new InferenceEngine(model, tokenizer, cache, new EngineConfig(4, 64))) {
                model.poison(63);
                Completion poisoned = EngineHarness.collect(engine.submit(GenerationRequest.of("bad", new int[] {5, 63},
                        SamplingParams.greedy(5))));
                assertEquals(FinishReason.ERROR, poisoned.finish().reason());
                assertTrue(poisoned.finish().message().contains("poisoned token 63"), poisoned.finish().message());
                model.poison(-1);
                assertEquals(0, cache.usedBlocks());

                engine.faults().failNextSteps(1);
                Completion injected = EngineHarness.collect(engine.submit(GenerationRequest.of("f", new int[] {5},
                        SamplingParams.greedy(5))));
                assertEquals(FinishReason.ERROR, injected.finish().reason());
                assertTrue(injected.finish().message().contains("injected"));
                assertEquals(0, cache.usedBlocks());

                Completion fine = EngineHarness.collect(engine.submit(GenerationRequest.of("g", new int[] {5},
                        SamplingParams.builder().maxTokens(5).ignoreEos(true).build())));
                assertEquals(FinishReason.LENGTH, fine.finish().reason());
                RequestTimings t = fine.finish().timings();
                assertTrue(t.queueWaitNanos() >= 0 && t.timeToFirstTokenNanos() >= t.queueWaitNanos()
                        && t.totalNanos() >= t.timeToFirstTokenNanos());
                assertEquals(new Usage(1, 5), fine.finish().usage());
            }
        });
    }

    @Test
    void thousandRandomRequestsWithCancellationsAndPreemptionsLeakNoBlocks() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            SplittableRandom r = new SplittableRandom(9);
            PagedKvCache cache = model.cache(48, 4); // 192 positions for up to 12 sequences: preemptions
            List<AtomicInteger> finals = new ArrayList<>();
            List<RequestHandle> handles = new ArrayList<>();
            ConcurrentLinkedQueue<String> badOrder = new ConcurrentLinkedQueue<>();
            List<StepStats> steps = new ArrayList<>();
            InferenceEngine engine = new InferenceEngine(model, tokenizer, cache, new EngineConfig(12, 24));
            engine.addStepListener(steps::add);
            // 1 ms per step keeps the run well over a second, so the cancellations below land while
            // most requests are still queued or running, however fast the machine.
            engine.faults().slowSteps(1);
            Thread canceller;
            try (engine) {
                for (int i = 0; i < 1000; i++) {
                    SamplingParams.Builder p = SamplingParams.builder().maxTokens(1 + r.nextInt(60));
                    if (r.nextBoolean()) {
                        p.temperature(0.5 + r.nextDouble()).topK(r.nextInt(10)).topP(0.5 + r.nextDouble() / 2).seed(r.nextLong());
                    }
                    if (r.nextInt(4) == 0) {
                        p.stop(List.of("a b", "zz")).logprobs(2).promptLogprobs(1);
                    }
                    AtomicInteger count = new AtomicInteger();
                    finals.add(count);
                    String id = "s" + i;
                    handles.add(engine.submit(GenerationRequest.of(id, prompt(r, 1 + r.nextInt(80)), p.build()), e -> {
                        if (count.get() > 0) {
                            badOrder.add(id + " got " + e + " after its final event");
                        }
                        if (e instanceof FinishEvent) {
                            count.incrementAndGet();
                        }
                    }));
                }
                // Cancel a third of them at random moments from another thread.
                List<RequestHandle> victims = handles.stream().filter(h -> Math.floorMod(h.id().hashCode(), 3) == 0).toList();
                canceller = Thread.ofPlatform().start(() -> {
                    SplittableRandom cr = new SplittableRandom(10);
                    for (RequestHandle h : victims) {
                        if (cr.nextInt(3) == 0) {
                            sleepQuietly(); // spread cancellations over the run
                        }
                        h.cancel();
                    }
                });
                handles.forEach(h -> h.completion().join());
                canceller.join();
                EngineStats stats = engine.stats();
                assertTrue(stats.preemptions() > 0, "expected preemptions with a small cache");
            }
            assertEquals(List.of(), List.copyOf(badOrder));
            for (int i = 0; i < finals.size(); i++) {
                assertEquals(1, finals.get(i).get(), "final events of request " + i);
            }
            assertEquals(0, cache.usedBlocks());
            assertEquals(1000L, engine.stats().finished());
            assertTrue(steps.stream().allMatch(s -> s.tokens() <= 24 && s.batchSize() <= 12));
            assertTrue(steps.stream().anyMatch(s -> s.batchSize() > 1));
            long cancelled = handles.stream().filter(h -> h.completion().join().reason() == FinishReason.CANCELLED).count();
            assertTrue(cancelled > 0);
            assertNotNull(handles.getFirst().completion().join().timings().arrivalTime());
        });
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
