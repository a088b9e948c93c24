package dev.gauntlet.engine.scheduler;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A blocking, single-consumer view of one request's events, ending after its {@link FinishEvent}.
 * The queue is unbounded so that a slow reader never stalls the engine thread.
 */
public final class EventStream implements Iterator<GenerationEvent> {
    private final BlockingQueue<GenerationEvent> queue = new LinkedBlockingQueue<>();
    private GenerationEvent next;
    private boolean finished;

    EventStream() {
    }

    void offer(GenerationEvent event) {
        queue.add(event);
    }

    /** Waits for the next event; false once the final event was returned. */
    @Override
    public boolean hasNext() {
        if (next == null && !finished) {
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the next event", e);
            }
        }
        return next != null;
    }

    @Override
    public GenerationEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the request has finished");
        }
        return take();
    }

    /** The next event, waiting at most {@code timeout}; null on timeout or after the final event. */
    public GenerationEvent poll(long timeout, TimeUnit unit) throws InterruptedException {
        if (next == null && !finished) {
            next = queue.poll(timeout, unit);
        }
        return next == null ? null : take();
    }

    private GenerationEvent take() {
        GenerationEvent e = next;
        next = null;
        finished = e instanceof FinishEvent;
        return e;
    }
}
