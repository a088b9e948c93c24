package dev.gauntlet.engine.scheduler;

import dev.gauntlet.engine.kv.PagedKvCache;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Engine-wide fault injection for chaos tests; all off by default, settable from any thread.
 * <ul>
 *   <li>{@link #slowSteps}: every step sleeps this long before its forward pass;</li>
 *   <li>{@link #failNextSteps}: the next steps fail as if the model threw (their requests end
 *       with {@code ERROR}, their blocks are freed, the engine goes on);</li>
 *   <li>{@link #holdBackKv}: a share of the KV cache is made unusable (memory pressure).</li>
 * </ul>
 */
public final class FaultInjector {
    private volatile long slowStepMillis;
    private final AtomicInteger stepsToFail = new AtomicInteger();
    private final PagedKvCache cache;
    private final Consumer<Runnable> onEngineThread;

    FaultInjector(PagedKvCache cache, Consumer<Runnable> onEngineThread) {
        this.cache = cache;
        this.onEngineThread = onEngineThread;
    }

    /** Sleeps {@code millis} in every step from now on; 0 turns it off. */
    public void slowSteps(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("step delay must be ≥ 0 ms, got " + millis);
        }
        slowStepMillis = millis;
    }

    /** Fails the next {@code steps} forward steps (replacing any count still pending). */
    public void failNextSteps(int steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps to fail must be ≥ 0, got " + steps);
        }
        stepsToFail.set(steps);
    }

    /**
     * Holds back {@code share} (0..1) of the KV blocks from sequences, or releases them with 0.
     * Applied on the engine thread at the next step boundary (the cache is not thread-safe);
     * completes with the number of blocks held, which may be less while blocks are in use.
     */
    public CompletableFuture<Integer> holdBackKv(double share) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("KV hold-back share must be in [0, 1], got " + share);
        }
        CompletableFuture<Integer> held = new CompletableFuture<>();
        onEngineThread.accept(() -> held.complete(cache.holdBack(share)));
        return held;
    }

    /** Turns the step delay and pending step failures off (the KV hold-back stays). */
    public void reset() {
        slowStepMillis = 0;
        stepsToFail.set(0);
    }

    /** The delay every step sleeps now, in ms (0 when off). */
    public long slowStepMillis() {
        return slowStepMillis;
    }

    /** Step failures still pending from {@link #failNextSteps}. */
    public int pendingStepFailures() {
        return stepsToFail.get();
    }

    /** Whether the step about to run must fail; consumes one pending failure. */
    boolean takeStepFailure() {
        return stepsToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }
}
