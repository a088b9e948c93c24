package dev.gauntlet.load.simulation;

import dev.gauntlet.load.client.OpenAiStreamClient;
import dev.gauntlet.load.client.RequestRecord;
import dev.gauntlet.load.workload.Workload;
import java.time.Duration;
import java.util.ArrayList;
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
        this.arrivals = plan.load() instanceof LoadModel.Open open ? open.arrivals(plan.duration()) : null;
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
        return sequences.getAndIncrement();
    }

    /** The open loop's arrival offsets, or null for a closed loop. */
    long[] arrivals() {
        return arrivals;
    }

    /**
     * When the request being sent now was meant to be sent. Closed loop: now (a user sends the moment
     * its previous request ended). Open loop: the stage's origin plus this arrival's scheduled offset,
     * the origin being fixed by the first arrival; any delay of Gatling or of this machine in sending
     * later ones then counts against the request, as it would against a real user.
     */
    long intendedStart(long nowNanos) {
        if (arrivals == null) {
            origin.compareAndSet(RequestRecord.NEVER, nowNanos);
            return nowNanos;
        }
        int index = (int) Math.min(arrivalIndex.getAndIncrement(), arrivals.length - 1);
        origin.compareAndSet(RequestRecord.NEVER, nowNanos - arrivals[0]);
        return origin.get() + arrivals[index];
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

    /** The longest the simulation may run: the stage plus time for its last requests to end. */
    Duration maxDuration() {
        return plan.duration().plus(requestTimeout).plusSeconds(5);
    }
}
