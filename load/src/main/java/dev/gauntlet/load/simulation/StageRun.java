package dev.gauntlet.load.simulation;

import dev.gauntlet.load.client.OpenAiStreamClient;
import dev.gauntlet.load.client.RequestRecord;
import dev.gauntlet.load.workload.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stage while it runs: what the Gatling simulation needs to send requests (client, workload,
 * schedule) and what it collects (every request's record). Gatling builds simulations reflectively,
 * from a class name, so the simulation finds its stage through {@link #current()}.
 */
public final class StageRun {
    private static volatile StageRun current;

    private final StagePlan plan;
    private final OpenAiStreamClient client;
    private final Workload workload;
    private final AtomicLong sequences;
    private final long[] arrivals;
    private final AtomicLong arrivalIndex = new AtomicLong();
    private final ConcurrentLinkedQueue<RequestRecord> records = new ConcurrentLinkedQueue<>();
    private final AtomicLong origin = new AtomicLong(RequestRecord.NEVER);
    private final CampaignClock clock;
    private final Duration requestTimeout;
    private final AtomicLong sent = new AtomicLong();
    private volatile String stopReason;

    /**
     * @param sequences      the campaign's request numbering, shared by its stages so numbers never repeat
     * @param requestTimeout the client's request timeout, which bounds how long the last requests run on
     */
    public StageRun(StagePlan plan, OpenAiStreamClient client, Workload workload, AtomicLong sequences,
                    CampaignClock clock, Duration requestTimeout) {
        this.clock = clock;
        this.requestTimeout = requestTimeout;
        this.plan = plan;
        this.client = client;
        this.workload = workload;
        this.sequences = sequences;
        this.arrivals = plan.load() instanceof LoadModel.Open open ? open.arrivals() : null;
    }

    /** The stage the running simulation drives. */
    static StageRun current() {
        StageRun run = current;
        if (run == null) {
            throw new IllegalStateException("no stage is running: simulations start through GatlingRunner");
        }
        return run;
    }

    static void setCurrent(StageRun run) {
        current = run;
    }

    public StagePlan plan() {
        return plan;
    }

    OpenAiStreamClient client() {
        return client;
    }

    Workload workload() {
        return workload;
    }

    CampaignClock clock() {
        return clock;
    }

    long nextSequence() {
        sent.incrementAndGet();
        return sequences.getAndIncrement();
    }

    /** The open loop's arrival offsets, or null for a closed loop. */
    long[] arrivals() {
        return arrivals;
    }

    /**
     * When the request being sent now was meant to be sent. Closed loop: now (a user sends the moment
     * its previous request ended). Open loop: the stage's origin plus this arrival's scheduled offset;
     * any delay of Gatling or of this machine in sending it then counts against the request, as it
     * would against a real user. The origin is the earliest the schedule can have started: the least
     * of (send − offset) over the arrivals so far. Fixing it at the first arrival instead would let a
     * first user started late (its first run loads classes) make every later arrival look early,
     * hiding that much of each one's TTFT and lag; now only arrivals sent before the earliest one
     * (in the warm-up) carry such an error.
     */
    long intendedStart(long nowNanos) {
        if (arrivals == null) {
            origin.compareAndSet(RequestRecord.NEVER, nowNanos);
            return nowNanos;
        }
        int index = (int) Math.min(arrivalIndex.getAndIncrement(), arrivals.length - 1);
        long implied = nowNanos - arrivals[index];
        return origin.accumulateAndGet(implied, (o, x) -> o == RequestRecord.NEVER ? x : Math.min(o, x)) + arrivals[index];
    }

    void record(RequestRecord record) {
        records.add(record);
    }

    /** When the stage started ({@link System#nanoTime()}), or {@link RequestRecord#NEVER} before its first request. */
    public long originNanos() {
        return origin.get();
    }

    /** Every request of the stage, in completion order. */
    public List<RequestRecord> records() {
        return new ArrayList<>(records);
    }

    /** Whether a request's intended start lies in the measured window (after warm-up, before cool-down). */
    public boolean measured(RequestRecord r) {
        return plan.inWindow(origin.get(), r.intendedNanos());
    }

    /**
     * Stops the stage early: requests not yet sent are not sent, and the next user to start stops
     * Gatling's load generator; the caller cancels the requests still running.
     */
    public void stop(String reason) {
        stopReason = reason;
    }

    /** Why the stage was stopped early, or null. */
    public String stopReason() {
        return stopReason;
    }

    /** Arrivals scheduled up to {@code nowNanos} (open loop), or -1 for a closed loop or before the start. */
    public long scheduledBy(long nowNanos) {
        long start = origin.get();
        if (arrivals == null || start == RequestRecord.NEVER) {
            return -1;
        }
        int i = Arrays.binarySearch(arrivals, nowNanos - start);
        return i >= 0 ? i + 1 : -(i + 1);
    }

    /** Requests handed to the client so far. */
    public long sent() {
        return sent.get();
    }

    /** Arrivals the open loop will schedule, or -1 for a closed loop. */
    public long planned() {
        return arrivals == null ? -1 : arrivals.length;
    }

    /** Waits until every request sent has its record (those cancelled end at once), up to {@code timeout}. */
    public void awaitRecords(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (records.size() < sent.get() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    /** The longest the simulation may run: the stage plus time for its last requests to end. */
    Duration maxDuration() {
        return plan.duration().plus(requestTimeout).plusSeconds(5);
    }
}
