package dev.gauntlet.load.campaign;

import dev.gauntlet.load.stats.Metric;
import dev.gauntlet.load.stats.Slo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Tells, from samples taken while a stage runs, when the target is clearly over-saturated, so the
 * stage can stop early instead of queueing ever more requests (its verdict is known already). Two
 * signs, either enough:
 * <ul>
 * <li><b>queue growing without bound</b> (open loops): the requests outstanding (running at the target
 *     plus scheduled but not yet sent by the injector) grew by more than half of the arrivals, in each
 *     of the last two {@value #WINDOW_SECONDS}-second windows. A target keeping up holds its queue
 *     level; one completing under half of what arrives grows it linearly.</li>
 * <li><b>first tokens far past the SLO</b>: more requests have already waited over {@value #FAR_PAST}×
 *     the SLO's TTFT (or TTFO) bound without any output than the bound's percentile allows in the
 *     whole stage (1 % of its planned requests for a p99, and at least 3), so the bound cannot hold.</li>
 * </ul>
 */
public final class SaturationMonitor {
    static final int WINDOW_SECONDS = 5;
    static final int FAR_PAST = 3;
    /** Fewer arrivals than this in a window tell nothing about growth. */
    private static final int MIN_ARRIVALS = 5;

    /**
     * What the injector sees at one moment of a stage.
     *
     * @param seconds     since the stage's start
     * @param outstanding requests sent and not ended, plus those scheduled and not yet sent
     * @param scheduled   arrivals scheduled so far (open loop), or -1 for a closed loop
     * @param waitingNanos for each running request without output yet, how long since its intended start
     */
    public record Sample(double seconds, long outstanding, long scheduled, long[] waitingNanos) {
    }

    private final Slo.Bound firstToken;
    private final long planned;
    private final List<Sample> samples = new ArrayList<>();

    /**
     * @param slo     the campaign's objective (its TTFT or TTFO bound, if any, is watched)
     * @param planned requests the stage will send (its arrivals; for a closed loop, an estimate)
     */
    public SaturationMonitor(Slo slo, long planned) {
        this.firstToken = slo.bounds().stream().filter(b -> b.metric() == Metric.TTFT || b.metric() == Metric.TTFO)
                .findFirst().orElse(null);
        this.planned = planned;
    }

    /** Takes one sample (samples come in time order); returns why the target is over-saturated, or null. */
    public String check(Sample now) {
        samples.add(now);
        String waiting = waitingTooLong(now);
        return waiting != null ? waiting : growing(now);
    }

    private String waitingTooLong(Sample now) {
        if (firstToken == null) {
            return null;
        }
        long limit = firstToken.limit().toNanos() * FAR_PAST;
        long late = 0;
        for (long w : now.waitingNanos()) {
            if (w > limit) {
                late++;
            }
        }
        double allowed = Math.max(3, (1 - firstToken.percentile() / 100) * planned);
        if (late <= allowed) {
            return null;
        }
        return String.format(Locale.ROOT, "%d requests have waited over %d× the %s bound (%d ms) without output,"
                + " more than the %.0f the bound allows", late, FAR_PAST, firstToken.metric().key(),
                firstToken.limit().toMillis(), allowed);
    }

    private String growing(Sample now) {
        if (now.scheduled() < 0) {
            return null;
        }
        Sample middle = at(now.seconds() - WINDOW_SECONDS);
        Sample first = at(now.seconds() - 2 * WINDOW_SECONDS);
        if (first == null) {
            return null;
        }
        long recent = now.scheduled() - middle.scheduled();
        long earlier = middle.scheduled() - first.scheduled();
        boolean grows = recent >= MIN_ARRIVALS && earlier >= MIN_ARRIVALS
                && now.outstanding() - middle.outstanding() > recent / 2.0
                && middle.outstanding() - first.outstanding() > earlier / 2.0;
        if (!grows) {
            return null;
        }
        return String.format(Locale.ROOT, "queue growing without bound: %d → %d → %d requests outstanding over %d s"
                + " while %d arrived", first.outstanding(), middle.outstanding(), now.outstanding(),
                2 * WINDOW_SECONDS, recent + earlier);
    }

    /** The latest sample taken at or before {@code seconds}, or null. */
    private Sample at(double seconds) {
        Sample found = null;
        for (Sample s : samples) {
            if (s.seconds() <= seconds) {
                found = s;
            }
        }
        return found;
    }
}
