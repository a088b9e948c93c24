package dev.gauntlet.load.campaign;

import dev.gauntlet.load.client.OpenAiStreamClient;
import dev.gauntlet.load.client.RequestRecord;
import dev.gauntlet.load.simulation.StageRun;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples a running stage once a second for a {@link SaturationMonitor}; when the monitor finds the
 * target over-saturated, stops the stage and cancels its running requests (so that the next stage
 * does not start behind a queue left by this one).
 */
final class StageWatch implements AutoCloseable {
    private final StageRun run;
    private final OpenAiStreamClient client;
    private final SaturationMonitor monitor;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("stage-watch").unstarted(r));

    StageWatch(StageRun run, OpenAiStreamClient client, SaturationMonitor monitor) {
        this.run = run;
        this.client = client;
        this.monitor = monitor;
        timer.scheduleAtFixedRate(this::sample, 1, 1, TimeUnit.SECONDS);
    }

    private void sample() {
        long origin = run.originNanos();
        if (origin == RequestRecord.NEVER || run.stopReason() != null) {
            return;
        }
        long now = System.nanoTime();
        List<OpenAiStreamClient.InFlight> running = client.inFlight();
        long scheduled = run.scheduledBy(now);
        long backlog = scheduled < 0 ? 0 : Math.max(0, scheduled - run.sent());
        long[] waiting = running.stream().filter(r -> !r.answered()).mapToLong(r -> now - r.intendedNanos()).toArray();
        String reason = monitor.check(new SaturationMonitor.Sample((now - origin) / 1e9, running.size() + backlog,
                scheduled, waiting));
        if (reason != null) {
            run.stop(reason);
            client.cancelAll("stage stopped early: " + reason);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
