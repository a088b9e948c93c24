package dev.gauntlet.load.simulation;

/**
 * Converts the campaign's {@link System#nanoTime()} readings to wall-clock time, from one pair of
 * readings taken together, so that all times of a campaign come from the one monotonic clock.
 */
public record CampaignClock(long anchorNanos, long anchorEpochMillis) {

    /** Anchored now. */
    public static CampaignClock start() {
        return new CampaignClock(System.nanoTime(), System.currentTimeMillis());
    }

    /** The wall-clock time, in epoch milliseconds, of a nanoTime reading. */
    public long epochMillis(long nanos) {
        return anchorEpochMillis + Math.floorDiv(nanos - anchorNanos, 1_000_000L);
    }
}
