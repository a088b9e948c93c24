package dev.gauntlet.server.generation;

import dev.gauntlet.server.errors.ApiException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The generations between submission and their final event, so that a drain can wait for them
 * and cut off the ones still running at its deadline.
 */
@Component
public class InFlightGenerations {
    private final Set<Generation> running = new HashSet<>(); // guarded by this

    synchronized void add(Generation g) {
        running.add(g);
    }

    synchronized void remove(Generation g) {
        if (running.remove(g) && running.isEmpty()) {
            notifyAll();
        }
    }

    /** Generations in flight now. */
    public synchronized int count() {
        return running.size();
    }

    /**
     * Waits until no generation is in flight, at most {@code timeout}.
     *
     * @return whether none is left
     */
    public synchronized boolean awaitNone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!running.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /**
     * Cancels every generation in flight; each one's client is answered with {@code reason}.
     *
     * @return how many were cancelled
     */
    public int abortAll(ApiException reason) {
        List<Generation> victims;
        synchronized (this) {
            victims = new ArrayList<>(running);
        }
        victims.forEach(g -> g.abort(reason));
        return victims.size();
    }
}
