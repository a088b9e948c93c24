package dev.gauntlet.engine.scheduler;

import dev.gauntlet.engine.kv.PagedKvCache;
import dev.gauntlet.engine.model.ForwardModel;
import dev.gauntlet.engine.model.SequenceChunk;
import dev.gauntlet.engine.sampling.Logprobs;
import dev.gauntlet.engine.sampling.SamplingParams;
import dev.gauntlet.engine.sampling.TokenDraw;
import dev.gauntlet.engine.sampling.TokenLogprobs;
import dev.gauntlet.engine.tokenizer.Tokenizer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.IntStream;

/**
 * Continuous-batching generation over a {@link ForwardModel} and a paged KV cache.
 *
 * <p>One engine thread owns the model, the cache and all sequence state. Other threads talk to it
 * through a command queue (submit, cancel, KV hold-back) that it drains at every step boundary, so
 * requests join and leave between steps. Each step: plan with the {@link Scheduler}, run one
 * forward pass over all chunks, sample the sequences whose chunk reached their end, deliver
 * events. Listeners run on the engine thread.
 *
 * <pre>{@code
 * try (var engine = new InferenceEngine(model, tokenizer, model.newKvCache(bytes, 16), new EngineConfig(32, 512))) {
 *     RequestHandle h = engine.submit(GenerationRequest.of("r1", prompt, SamplingParams.greedy(64)));
 *     h.stream().forEachRemaining(event -> ...);
 * }
 * }</pre>
 */
public final class InferenceEngine implements AutoCloseable {
    private final ForwardModel model;
    private final Tokenizer tokenizer;
    private final PagedKvCache cache;
    private final int vocab;
    private final int contextLength;
    private final int[] endOfGeneration;
    private final Scheduler scheduler;
    private final FaultInjector faults;
    private final BlockingQueue<Runnable> commands = new LinkedBlockingQueue<>();
    private final List<StepListener> stepListeners = new CopyOnWriteArrayList<>();
    private final AtomicLongArray rejections = new AtomicLongArray(RejectionReason.values().length);
    private final Instant wallAnchor = Instant.now();
    private final long nanoAnchor = System.nanoTime();
    private final Thread thread;
    private final Object submitLock = new Object();
    private boolean closed; // guarded by submitLock
    private volatile boolean stopping;

    // Engine-thread state, published through the volatile snapshot.
    private long steps;
    private long preemptions;
    private long finished;
    private int lastBatchSize;
    private volatile EngineStats stats;

    /** Starts an engine thread over {@code cache}, which must be of {@code model}'s shape and unused. */
    public InferenceEngine(ForwardModel model, Tokenizer tokenizer, PagedKvCache cache, EngineConfig config) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.cache = cache;
        this.vocab = model.config().vocab();
        this.contextLength = model.config().contextLength();
        this.endOfGeneration = IntStream.range(0, vocab).filter(tokenizer::isEndOfGeneration).toArray();
        this.scheduler = new Scheduler(cache, config);
        this.faults = new FaultInjector(cache, commands::add);
        publishStats();
        this.thread = Thread.ofPlatform().name("inference-engine").daemon().start(this::run);
    }

    /** Submits a request whose events go to {@code listener} (on the engine thread). */
    public RequestHandle submit(GenerationRequest request, TokenListener listener) {
        return enqueue(request, java.util.Objects.requireNonNull(listener, "listener"));
    }

    /** Submits a request whose events are read from {@link RequestHandle#stream()}. */
    public RequestHandle submit(GenerationRequest request) {
        return enqueue(request, null);
    }

    private RequestHandle enqueue(GenerationRequest request, TokenListener listener) {
        int maxTokens = validate(request);
        Sequence[] holder = new Sequence[1];
        RequestHandle handle = new RequestHandle(request.id(), listener, () -> commands.add(() -> cancel(holder[0])));
        holder[0] = new Sequence(request, handle, maxTokens, suppressedBeforeMin(request.params()));
        synchronized (submitLock) {
            if (closed) {
                throw reject(RejectionReason.ENGINE_STOPPED, "the engine is shut down");
            }
            commands.add(() -> scheduler.enqueue(holder[0]));
        }
        return handle;
    }

    /** Checks that the request can ever run; returns its effective {@code max_tokens}. */
    private int validate(GenerationRequest r) {
        int prompt = r.promptLength();
        if (prompt == 0) {
            throw reject(RejectionReason.EMPTY_PROMPT, "the prompt must contain at least one token");
        }
        for (int i = 0; i < prompt; i++) {
            int t = r.promptToken(i);
            if (t < 0 || t >= vocab) {
                throw reject(RejectionReason.INVALID_TOKEN, "prompt token " + t + " at index " + i
                        + " is outside the vocabulary (0.." + (vocab - 1) + ")");
            }
        }
        Integer max = r.params().maxTokens();
        if (max == null && prompt >= contextLength) {
            throw reject(RejectionReason.CONTEXT_LENGTH_EXCEEDED, "the prompt (" + prompt
                    + " tokens) leaves no room to generate within the context length of " + contextLength);
        }
        if (max != null && (long) prompt + max > contextLength) {
            throw reject(RejectionReason.CONTEXT_LENGTH_EXCEEDED, "prompt (" + prompt + " tokens) + max_tokens ("
                    + max + ") = " + (prompt + (long) max) + " exceeds the context length of " + contextLength);
        }
        int maxTokens = max == null ? contextLength - prompt : max;
        // The last generated token is never fed back, so it needs no KV slot.
        int positions = prompt + maxTokens - 1;
        if (cache.blocksFor(positions) > cache.totalBlocks()) {
            throw reject(RejectionReason.EXCEEDS_KV_CACHE, "the request needs up to " + positions + " KV positions ("
                    + cache.blocksFor(positions) + " blocks of " + cache.blockSize() + ") but the whole cache holds "
                    + cache.totalBlocks() + " blocks; lower max_tokens or the prompt length");
        }
        return maxTokens;
    }

    private RequestRejectedException reject(RejectionReason reason, String message) {
        rejections.incrementAndGet(reason.ordinal());
        return new RequestRejectedException(reason, message);
    }

    private int[] suppressedBeforeMin(SamplingParams p) {
        if (p.minTokens() == 0) {
            return new int[0];
        }
        IntStream stops = p.stopTokenIds().stream().mapToInt(Integer::intValue);
        return (p.ignoreEos() ? stops : IntStream.concat(IntStream.of(endOfGeneration), stops)).distinct().toArray();
    }

    /** Engine-wide fault injection (chaos tests). */
    public FaultInjector faults() {
        return faults;
    }

    /** Adds an observer of every step. */
    public void addStepListener(StepListener listener) {
        stepListeners.add(listener);
    }

    /**
     * The latest snapshot: batch and KV figures as of the last step boundary; rejection counts
     * live, since submit-time rejections happen on callers' threads.
     */
    public EngineStats stats() {
        EngineStats s = stats;
        return new EngineStats(s.running(), s.waiting(), s.lastBatchSize(), s.steps(), s.preemptions(),
                rejectionCounts(), s.finished(), s.usedKvBlocks(), s.heldBackKvBlocks(), s.totalKvBlocks());
    }

    /**
     * Stops the engine: new submissions are rejected, every unfinished request ends with
     * {@link FinishReason#CANCELLED}, and the engine thread exits. Waits for it.
     */
    @Override
    public void close() {
        synchronized (submitLock) {
            closed = true;
        }
        stopping = true;
        commands.add(() -> { });
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            while (!stopping) {
                if (scheduler.isIdle()) {
                    commands.take().run();
                }
                drainCommands();
                if (!stopping && !scheduler.isIdle()) {
                    step();
                }
                publishStats();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            // Not a model failure (those are handled per step): fail everything rather than hang.
            for (Sequence s : scheduler.all()) {
                end(s, FinishReason.ERROR, null, null, "engine failure: " + t);
            }
            throw t;
        } finally {
            synchronized (submitLock) {
                closed = true;
            }
            drainCommands(); // submissions that raced with close
            for (Sequence s : scheduler.all()) {
                end(s, FinishReason.CANCELLED, null, null, "the engine shut down");
            }
            publishStats();
        }
    }

    private void drainCommands() {
        for (Runnable c; (c = commands.poll()) != null; ) {
            c.run();
        }
    }

    private void cancel(Sequence s) {
        if (!s.handle.isDone()) {
            end(s, FinishReason.CANCELLED, null, null, "cancelled by the caller");
        }
    }

    private void step() {
        long start = System.nanoTime();
        Scheduler.Plan plan = scheduler.schedule(start);
        for (Sequence s : plan.rejected()) {
            rejections.incrementAndGet(RejectionReason.KV_CACHE_EXHAUSTED.ordinal());
            end(s, FinishReason.REJECTED, null, null, "KV cache exhausted: the sequence needs "
                    + cache.blocksFor(s.size()) + " blocks but only " + (cache.totalBlocks() - cache.heldBackBlocks())
                    + " are usable");
        }
        for (Sequence s : plan.preempted()) {
            preemptions++;
            deliver(s, new PreemptedEvent(s.id(), s.preemptions));
        }
        List<Scheduler.Chunk> chunks = plan.chunks();
        if (chunks.isEmpty()) {
            return;
        }
        steps++;
        lastBatchSize = chunks.size();
        int prefill = 0;
        int decode = 0;
        List<SequenceChunk> batch = new ArrayList<>(chunks.size());
        for (Scheduler.Chunk c : chunks) {
            Sequence s = c.seq();
            batch.add(new SequenceChunk(s.blocks, s.tokens(c.start(), c.end()), c.start(), s.needsPromptLogprobs()));
            if (c.decode()) {
                decode++;
            } else {
                prefill += c.length();
            }
        }
        boolean failed = false;
        try {
            long delay = faults.slowStepMillis();
            if (delay > 0) {
                Thread.sleep(delay);
            }
            if (faults.takeStepFailure()) {
                throw new IllegalStateException("injected step failure");
            }
            List<TokenDraw> draws = draws(chunks, batch);
            if (draws != null) {
                int[] tokens = model.sample(batch, cache, draws);
                if (tokens == null || tokens.length != batch.size()) {
                    throw new IllegalStateException("the model returned " + (tokens == null ? "null" : tokens.length
                            + " tokens") + " for " + batch.size() + " chunks");
                }
                for (int i = 0; i < chunks.size(); i++) {
                    accept(chunks.get(i), batch.get(i), null, tokens[i]);
                }
            } else {
                float[][] logits = model.forward(batch, cache);
                checkShape(logits, batch);
                for (int i = 0; i < chunks.size(); i++) {
                    accept(chunks.get(i), batch.get(i), logits[i], -1);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        } catch (RuntimeException e) {
            failed = true;
            for (Scheduler.Chunk c : chunks) {
                if (!c.seq().handle.isDone()) {
                    end(c.seq(), FinishReason.ERROR, null, null, "forward step failed: " + e.getMessage());
                }
            }
        }
        StepStats st = new StepStats(steps, chunks.size(), prefill, decode, plan.preempted().size(), failed,
                System.nanoTime() - start);
        for (StepListener l : stepListeners) {
            l.onStep(st);
        }
    }

    private void checkShape(float[][] logits, List<SequenceChunk> batch) {
        if (logits == null || logits.length != batch.size()) {
            throw new IllegalStateException("the model returned " + (logits == null ? "null" : logits.length + " logit arrays")
                    + " for " + batch.size() + " chunks");
        }
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] == null || logits[i].length < batch.get(i).logitRows() * vocab) {
                throw new IllegalStateException("the model returned too few logits for chunk " + i);
            }
        }
    }

    /**
     * The step's token choices when no sequence needs more than its next token from the logits (no
     * logprobs, no suppressed tokens, a top-k or greedy rule), so the model may keep the logits
     * where it computed them; otherwise null. Null entries are chunks that produce no token. Only
     * once every sequence qualifies are the random draws taken, so a fallback step draws as before.
     */
    private List<TokenDraw> draws(List<Scheduler.Chunk> chunks, List<SequenceChunk> batch) {
        for (int i = 0; i < chunks.size(); i++) {
            Sequence s = chunks.get(i).seq();
            SamplingParams p = s.request.params();
            if (batch.get(i).logitsForAll() || p.logprobs() != null || s.generated() < p.minTokens()
                    || !s.sampler.drawsTopK(vocab)) {
                return null;
            }
        }
        List<TokenDraw> draws = new ArrayList<>(chunks.size());
        for (Scheduler.Chunk c : chunks) {
            draws.add(c.end() == c.seq().size() ? c.seq().sampler.nextDraw(vocab) : null);
        }
        return draws;
    }

    /**
     * Takes a chunk's output: prompt logprobs, then (if the sequence is fully computed) a new
     * token, sampled from {@code logits} or, when they are null, the one the model already chose.
     */
    private void accept(Scheduler.Chunk c, SequenceChunk chunk, float[] logits, int chosen) {
        Sequence s = c.seq();
        try {
            if (chunk.logitsForAll()) {
                for (int r = 0; r < chunk.logitRows(); r++) {
                    int pos = c.start() + r; // this row predicts the token at pos + 1
                    if (pos == s.promptLogprobs.size() && pos + 1 < s.promptLength()) {
                        s.promptLogprobs.add(Logprobs.of(logits, r * vocab, vocab, s.token(pos + 1),
                                s.request.params().promptLogprobs()));
                    }
                }
            }
            if (s.promptLogprobs != null && !s.promptLogprobsSent && !s.needsPromptLogprobs()) {
                s.promptLogprobsSent = true;
                deliver(s, new PromptLogprobsEvent(s.id(), s.promptLogprobs));
            }
            s.computed = c.end();
            if (s.computed == s.size()) {
                if (logits == null) {
                    append(s, chosen, null);
                } else {
                    sampleNext(s, logits, (chunk.logitRows() - 1) * vocab);
                }
            }
        } catch (RuntimeException e) {
            if (!s.handle.isDone()) {
                end(s, FinishReason.ERROR, null, null, "failed to process the step's output: " + e);
            }
        }
    }

    private void sampleNext(Sequence s, float[] logits, int offset) {
        SamplingParams p = s.request.params();
        int[] suppressed = s.generated() < p.minTokens() ? s.suppressedBeforeMin : new int[0];
        int token = s.sampler.sample(logits, offset, vocab, suppressed);
        append(s, token, p.logprobs() == null ? null : Logprobs.of(logits, offset, vocab, token, p.logprobs()));
    }

    /** Adds a generated token: delivers it and ends the sequence if it stops here. */
    private void append(Sequence s, int token, TokenLogprobs lp) {
        SamplingParams p = s.request.params();
        s.append(token);
        if (s.firstTokenNanos < 0) {
            s.firstTokenNanos = System.nanoTime();
        }
        int index = s.generated() - 1;
        FinishReason reason = null;
        Integer stopId = null;
        String text;
        if (!p.ignoreEos() && tokenizer.isEndOfGeneration(token)) {
            reason = FinishReason.STOP;
            text = s.text.flush();
        } else if (p.stopTokenIds().contains(token)) {
            reason = FinishReason.STOP;
            stopId = token;
            text = s.text.flush();
        } else {
            text = s.text.append(tokenizer.tokenBytes(token), s.generated() >= p.minTokens());
            if (s.text.matchedStop() != null) {
                reason = FinishReason.STOP;
            } else if (s.generated() >= s.maxTokens || s.size() >= contextLength) {
                reason = FinishReason.LENGTH;
                text += s.text.flush();
            }
        }
        deliver(s, new TokenEvent(s.id(), index, token, text, lp));
        if (reason != null && !s.handle.isDone()) {
            end(s, reason, s.text.matchedStop(), stopId, null);
        }
    }

    /** Delivers an event; a throwing listener ends its request with ERROR. */
    private void deliver(Sequence s, GenerationEvent e) {
        try {
            s.handle.deliver(e);
        } catch (RuntimeException ex) {
            if (!(e instanceof FinishEvent)) {
                end(s, FinishReason.ERROR, null, null, "the listener failed: " + ex);
            }
        }
    }

    /** Frees the sequence's blocks, then sends its final event. */
    private void end(Sequence s, FinishReason reason, String stopString, Integer stopTokenId, String message) {
        scheduler.remove(s);
        finished++;
        long now = System.nanoTime();
        RequestTimings timings = new RequestTimings(wallAnchor.plusNanos(s.request.arrivalNanos() - nanoAnchor),
                s.request.arrivalNanos(), s.admittedNanos, s.firstTokenNanos, now);
        deliver(s, new FinishEvent(s.id(), reason, stopString, stopTokenId, message,
                new Usage(s.promptLength(), s.generated()), timings, s.preemptions));
    }

    private Map<RejectionReason, Long> rejectionCounts() {
        Map<RejectionReason, Long> byReason = new EnumMap<>(RejectionReason.class);
        for (RejectionReason r : RejectionReason.values()) {
            byReason.put(r, rejections.get(r.ordinal()));
        }
        return byReason;
    }

    private void publishStats() {
        stats = new EngineStats(scheduler.runningCount(), scheduler.waitingCount(), lastBatchSize, steps, preemptions,
                rejectionCounts(), finished, cache.usedBlocks(), cache.heldBackBlocks(), cache.totalBlocks());
    }
}
