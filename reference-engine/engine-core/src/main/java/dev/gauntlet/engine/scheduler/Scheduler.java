package dev.gauntlet.engine.scheduler;

import dev.gauntlet.engine.kv.PagedKvCache;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The batching policy (engine thread only): a FIFO waiting queue and the running batch in
 * admission order, and the plan of each step within the batch, token and KV limits.
 *
 * <p>Each step first gives every decoding sequence its one token, then continues prefills of
 * running sequences (oldest first), then admits waiting sequences in FIFO order, each with a
 * prefill chunk, while there is room in the batch, token budget and KV blocks. When a running
 * sequence cannot grow, the most recently admitted one is preempted (blocks freed, back to the
 * front of the queue for recomputation); a sequence that cannot grow even alone is rejected.
 */
final class Scheduler {
    /** Tokens {@code [start, start + length)} of a sequence, to run this step; {@code decode}: its one new token. */
    record Chunk(Sequence seq, int start, int length, boolean decode) {
        int end() {
            return start + length;
        }
    }

    /** A step: the chunks to run, plus who was preempted or rejected while planning it. */
    record Plan(List<Chunk> chunks, List<Sequence> preempted, List<Sequence> rejected) {
    }

    private final PagedKvCache cache;
    private final EngineConfig config;
    private final ArrayDeque<Sequence> waiting = new ArrayDeque<>();
    private final List<Sequence> running = new ArrayList<>();

    Scheduler(PagedKvCache cache, EngineConfig config) {
        this.cache = cache;
        this.config = config;
    }

    void enqueue(Sequence seq) {
        waiting.addLast(seq);
    }

    int runningCount() {
        return running.size();
    }

    int waitingCount() {
        return waiting.size();
    }

    boolean isIdle() {
        return running.isEmpty() && waiting.isEmpty();
    }

    /** Every sequence, running ones first. */
    List<Sequence> all() {
        List<Sequence> all = new ArrayList<>(running);
        all.addAll(waiting);
        return all;
    }

    /** Takes a sequence out of the engine (finished, cancelled, failed) and frees its blocks. */
    void remove(Sequence seq) {
        if (!running.remove(seq)) {
            waiting.remove(seq);
        }
        cache.release(seq.blocks);
    }

    Plan schedule(long nowNanos) {
        List<Chunk> chunks = new ArrayList<>();
        List<Sequence> preempted = new ArrayList<>();
        List<Sequence> rejected = new ArrayList<>();
        int[] budget = {config.maxTokensPerStep()};
        // Decoders first: they hold KV already and a token each keeps latency even.
        for (Sequence s : List.copyOf(running)) {
            if (running.contains(s) && s.size() - s.computed == 1) {
                grow(s, 1, true, chunks, preempted, rejected, budget);
            }
        }
        for (Sequence s : List.copyOf(running)) {
            int remaining = s.size() - s.computed;
            if (running.contains(s) && remaining > 1 && budget[0] > 0) {
                grow(s, Math.min(remaining, budget[0]), false, chunks, preempted, rejected, budget);
            }
        }
        // Admitting right after a preemption would only thrash.
        while (preempted.isEmpty() && !waiting.isEmpty() && running.size() < config.maxBatchSize() && budget[0] > 0) {
            Sequence s = waiting.peekFirst();
            int length = Math.min(s.size() - s.computed, budget[0]);
            if (!cache.ensureCapacity(s.blocks, s.computed + length)) {
                if (!running.isEmpty()) {
                    break; // FIFO: wait for blocks rather than let later requests overtake
                }
                // The whole usable cache is free and the chunk still does not fit.
                waiting.pollFirst();
                rejected.add(s);
                continue;
            }
            waiting.pollFirst();
            running.add(s);
            if (s.admittedNanos < 0) {
                s.admittedNanos = nowNanos;
            }
            chunks.add(new Chunk(s, s.computed, length, false));
            budget[0] -= length;
        }
        return new Plan(chunks, preempted, rejected);
    }

    /** Plans {@code length} more tokens of a running sequence, preempting newer ones for blocks. */
    private void grow(Sequence s, int length, boolean decode, List<Chunk> chunks, List<Sequence> preempted, List<Sequence> rejected,
                      int[] budget) {
        while (!cache.ensureCapacity(s.blocks, s.computed + length)) {
            Sequence victim = running.getLast();
            if (victim == s && running.size() == 1) {
                running.remove(s);
                cache.release(s.blocks);
                rejected.add(s);
                return;
            }
            preempt(victim, chunks, preempted, budget);
            if (victim == s) {
                return;
            }
        }
        chunks.add(new Chunk(s, s.computed, length, decode));
        budget[0] -= length;
    }

    private void preempt(Sequence victim, List<Chunk> chunks, List<Sequence> preempted, int[] budget) {
        running.remove(victim);
        cache.release(victim.blocks);
        for (int i = 0; i < chunks.size(); i++) {
            if (chunks.get(i).seq() == victim) {
                budget[0] += chunks.remove(i).length();
                break;
            }
        }
        victim.resetComputed();
        // Victims are taken newest first, so pushing each to the front keeps admission order.
        waiting.addFirst(victim);
        preempted.add(victim);
    }
}
