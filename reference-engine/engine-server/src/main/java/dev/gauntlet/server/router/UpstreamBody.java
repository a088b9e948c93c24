package dev.gauntlet.server.router;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An upstream reply body, read piece by piece as the HTTP client receives it, with a bound on each
 * wait. {@code java.net.http} has no read timeout of its own: a replica that stalls mid-stream would
 * hold the client forever, so the router reads through this subscriber instead of a blocking stream.
 * It asks for one piece at a time, so a slow client slows the upstream rather than filling memory.
 */
final class UpstreamBody implements Flow.Subscriber<List<ByteBuffer>> {
    private static final Object END = new Object();

    private final BlockingQueue<Object> pieces = new LinkedBlockingQueue<>();
    private Flow.Subscription subscription;
    private boolean cancelled;

    @Override
    public synchronized void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (cancelled) {
            s.cancel();
        } else {
            s.request(1);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        pieces.add(item);
    }

    @Override
    public void onError(Throwable t) {
        pieces.add(t);
    }

    @Override
    public void onComplete() {
        pieces.add(END);
    }

    /**
     * The next piece of the body, or null at its end.
     *
     * @throws UpstreamFailure when the body broke off, or nothing came for {@code timeoutNanos}
     */
    @SuppressWarnings("unchecked")
    List<ByteBuffer> next(long timeoutNanos) throws UpstreamFailure, InterruptedException {
        Object piece = pieces.poll(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
        if (piece == null) {
            cancel();
            throw new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT,
                    "no reply bytes for " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms", null);
        }
        if (piece == END) {
            return null;
        }
        if (piece instanceof Throwable t) {
            throw new UpstreamFailure(UpstreamFailure.Kind.BROKEN, "the reply broke off: " + t, t);
        }
        synchronized (this) {
            subscription.request(1);
        }
        return (List<ByteBuffer>) piece;
    }

    /** Stops the transfer (and with it the upstream's work: it sees the connection close). */
    synchronized void cancel() {
        cancelled = true;
        if (subscription != null) {
            subscription.cancel();
        }
    }
}
