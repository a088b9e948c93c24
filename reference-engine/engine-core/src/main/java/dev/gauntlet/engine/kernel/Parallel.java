package dev.gauntlet.engine.kernel;

/**
 * The engine's worker threads: splits an index range across a fixed {@link WorkerTeam}.
 *
 * <p>One team per process, sized once by {@link #setThreads} (default: all cores), because the
 * engine thread runs one step at a time and every kernel in it wants all cores.
 */
public final class Parallel {
    private static volatile WorkerTeam team = new WorkerTeam(Runtime.getRuntime().availableProcessors());

    private Parallel() {
    }

    /** A body over the half-open index range {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    /** Sets the number of threads a parallel loop uses, its caller included (at least 1). */
    public static synchronized void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
        if (threads != team.size()) {
            WorkerTeam old = team;
            team = new WorkerTeam(threads);
            old.close();
        }
    }

    /** Threads a parallel loop uses, its caller included. */
    public static int threads() {
        return team.size();
    }

    /**
     * Runs {@code body} over {@code [0, n)} in contiguous ranges of at least {@code grain}
     * indices, about four ranges per thread so that uneven work still balances. The calling
     * thread takes part; a call made while the threads are busy (from inside a body, or from
     * another thread) runs entirely in its caller.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        WorkerTeam t = team;
        int threads = t.size();
        int chunk = Math.max(Math.max(1, grain), (n + threads * 4 - 1) / (threads * 4));
        if (threads == 1 || n <= chunk) {
            body.run(0, n);
            return;
        }
        t.run(n, chunk, body);
    }
}
