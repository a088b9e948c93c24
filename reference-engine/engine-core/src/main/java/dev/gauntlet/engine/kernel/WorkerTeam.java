package dev.gauntlet.engine.kernel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A calling thread plus {@code size − 1} helper threads that split one index range at a time
 * into chunks, claimed from a shared counter.
 *
 * <p>Why not a {@code ForkJoinPool}: a decode step is about a hundred parallel loops of a few
 * hundred microseconds each, and a pool's workers park between them, so every loop paid for
 * waking them (tens to hundreds of microseconds on a VM) and the caller sat parked meanwhile.
 * Here the caller works too, and helpers spin briefly ({@link #SPIN_NANOS}) after each loop
 * before they park, so the next loop of the same step finds them awake; an idle engine still
 * leaves its cores alone.
 *
 * <p>Completion does not wait for helpers to show up: the caller claims chunks like everyone
 * else and returns once every chunk is done, so a parked or late helper only costs speed.
 */
final class WorkerTeam implements AutoCloseable {
    /** How long a helper keeps polling for the next loop before it parks. */
    private static final long SPIN_NANOS = 50_000;
    private static final VarHandle PARKED = MethodHandles.arrayElementVarHandle(boolean[].class);

    private final int size;
    private final Thread[] helpers;
    private final boolean[] parkedFlags;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile Job job;
    private volatile long epoch;
    private volatile boolean closed;

    WorkerTeam(int size) {
        this.size = size;
        this.helpers = new Thread[size - 1];
        this.parkedFlags = new boolean[size - 1];
        for (int i = 0; i < helpers.length; i++) {
            int id = i;
            helpers[i] = Thread.ofPlatform().daemon().name("gauntlet-worker-" + (i + 1)).unstarted(() -> helperLoop(id));
            helpers[i].start();
        }
    }

    /** Threads that share a loop, the caller included. */
    int size() {
        return size;
    }

    /**
     * Runs {@code body} over {@code [0, n)} in chunks of {@code chunk} indices spread over the
     * team, or entirely in the calling thread when the team is already running a loop (a nested
     * call, or another thread's), so callers never wait on each other.
     */
    void run(int n, int chunk, Parallel.RangeBody body) {
        if (closed || !busy.compareAndSet(false, true)) {
            body.run(0, n);
            return;
        }
        try {
            Job j = new Job(n, chunk, body);
            job = j;
            epoch++;
            wakeParkedHelpers();
            j.work();
            j.awaitDone();
            j.rethrowFailure();
        } finally {
            busy.set(false);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread helper : helpers) {
            LockSupport.unpark(helper);
        }
    }

    private void wakeParkedHelpers() {
        for (int i = 0; i < helpers.length; i++) {
            if (parked(i)) {
                LockSupport.unpark(helpers[i]);
            }
        }
    }

    private void helperLoop(int id) {
        long seen = epoch;
        while (!closed) {
            long now = awaitEpochAfter(seen, id);
            if (now != seen) {
                seen = now;
                job.work();
            }
        }
    }

    /** Polls for a new loop for {@link #SPIN_NANOS}, then parks until woken; returns the epoch seen. */
    private long awaitEpochAfter(long seen, int id) {
        long deadline = System.nanoTime() + SPIN_NANOS;
        for (int spins = 0; epoch == seen && !closed; spins++) {
            if ((spins & 63) == 0 && System.nanoTime() > deadline) {
                // Flag first, check again, then park: the caller bumps the epoch before it reads the
                // flag, so one of the two always sees the other.
                setParked(id, true);
                if (epoch == seen && !closed) {
                    LockSupport.park(this);
                }
                setParked(id, false);
                deadline = System.nanoTime() + SPIN_NANOS;
            } else {
                Thread.onSpinWait();
            }
        }
        return epoch;
    }

    private boolean parked(int id) {
        return (boolean) PARKED.getVolatile(parkedFlags, id);
    }

    private void setParked(int id, boolean value) {
        PARKED.setVolatile(parkedFlags, id, value);
    }

    /** One parallel loop: its chunks, the next one to claim, and how many are not yet finished. */
    private static final class Job {
        private final int n;
        private final int chunk;
        private final int chunks;
        private final Parallel.RangeBody body;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger unfinished;
        private volatile Throwable failure;

        Job(int n, int chunk, Parallel.RangeBody body) {
            this.n = n;
            this.chunk = chunk;
            this.chunks = (n + chunk - 1) / chunk;
            this.body = body;
            this.unfinished = new AtomicInteger(chunks);
        }

        /** Claims and runs chunks until none is left. */
        void work() {
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                try {
                    int start = c * chunk;
                    body.run(start, Math.min(n, start + chunk));
                } catch (Throwable t) {
                    if (failure == null) {
                        failure = t;
                    }
                } finally {
                    unfinished.decrementAndGet();
                }
            }
        }

        /**
         * Waits for the chunks other threads claimed: by spinning, since a decode step's chunks
         * end within microseconds, then in short sleeps for the long chunks of loading a model.
         */
        void awaitDone() {
            long deadline = System.nanoTime() + SPIN_NANOS;
            while (unfinished.get() > 0) {
                if (System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(50_000);
                }
            }
        }

        void rethrowFailure() {
            Throwable t = failure;
            if (t instanceof RuntimeException e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
        }
    }
}
