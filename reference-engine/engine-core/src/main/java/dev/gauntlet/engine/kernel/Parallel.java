package dev.gauntlet.engine.kernel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * The engine's worker threads: splits an index range across a fixed pool.
 *
 * <p>One pool per process, sized once by {@link #setThreads} (default: all cores), because the
 * engine thread runs one step at a time and every kernel in it wants all cores.
 */
public final class Parallel {
    private static volatile ForkJoinPool pool = new ForkJoinPool(Runtime.getRuntime().availableProcessors());

    private Parallel() {
    }

    /** A body over the half-open index range {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    /** Sets the number of worker threads (at least 1). */
    public static synchronized void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
        if (threads != pool.getParallelism()) {
            ForkJoinPool old = pool;
            pool = new ForkJoinPool(threads);
            old.shutdown();
        }
    }

    /** Worker threads in use. */
    public static int threads() {
        return pool.getParallelism();
    }

    /**
     * Runs {@code body} over {@code [0, n)} in contiguous ranges of at least {@code grain}
     * indices, about four ranges per thread so that uneven work still balances.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int threads = pool.getParallelism();
        int chunk = Math.max(Math.max(1, grain), (n + threads * 4 - 1) / (threads * 4));
        if (threads == 1 || n <= chunk) {
            body.run(0, n);
            return;
        }
        pool.invoke(new Split(0, n, chunk, body));
    }

    private static final class Split extends RecursiveAction {
        private final int start;
        private final int end;
        private final int chunk;
        private final RangeBody body;

        Split(int start, int end, int chunk, RangeBody body) {
            this.start = start;
            this.end = end;
            this.chunk = chunk;
            this.body = body;
        }

        @Override
        protected void compute() {
            if (end - start <= chunk) {
                body.run(start, end);
                return;
            }
            int mid = start + (end - start) / 2;
            invokeAll(new Split(start, mid, chunk, body), new Split(mid, end, chunk, body));
        }
    }
}
