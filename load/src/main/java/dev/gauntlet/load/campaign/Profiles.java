package dev.gauntlet.load.campaign;

import dev.gauntlet.load.simulation.LoadModel;
import dev.gauntlet.load.simulation.Phase;
import dev.gauntlet.load.simulation.StagePlan;
import dev.gauntlet.load.stats.Slo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The named profiles. {@code smoke}: one short closed-loop stage, to check a target answers and the
 * files are written. {@code sweep}: one closed-loop stage per concurrency, or one open-loop stage per
 * rate; the default sweep (concurrency 1, 2, 4, 8 for 20 s each) fits in under 3 minutes with the
 * engine's start on 2 cores. {@code ramp}: one open-loop stage whose rate climbs linearly from the
 * first to the last rate, with statistics per quarter. {@code spike}: a base rate, a peak, and the
 * base again, in one stage (so the queue built at the peak is still there after it), with statistics
 * for each. {@code soak}: one long stage at a steady load, with statistics per phase, to show drift.
 * {@code capacity}: a {@link CapacitySearch}.
 */
public final class Profiles {
    /** The profile names, for messages. */
    public static final String NAMES = "smoke, sweep, ramp, spike, soak, capacity";
    private static final int RAMP_PHASES = 4;

    private Profiles() {
    }

    /** The planner of {@code profile}; {@code slo} is what a capacity search must meet. */
    public static StagePlanner planner(String profile, ProfileOptions o, Slo slo) {
        return switch (profile.toLowerCase(Locale.ROOT)) {
            case "smoke" -> StagePlanner.fixed(List.of(new StagePlan("smoke", new LoadModel.Closed(2), Duration.ofSeconds(4),
                    Duration.ofMillis(500), Duration.ofMillis(500))));
            case "sweep" -> StagePlanner.fixed(sweep(o));
            case "ramp" -> StagePlanner.fixed(List.of(ramp(o)));
            case "spike" -> StagePlanner.fixed(List.of(spike(o)));
            case "soak" -> StagePlanner.fixed(List.of(soak(o)));
            case "capacity" -> new CapacitySearch(o.rates().isEmpty() ? 1 : o.rates().getFirst(), o.precision(),
                    o.spacing(), o.seed(), o.stage(), o.maxStages(), o.searchBudget(), slo);
            default -> throw new IllegalArgumentException("unknown --profile '" + profile + "' (" + NAMES + ")");
        };
    }

    private static List<StagePlan> sweep(ProfileOptions o) {
        List<StagePlan> out = new ArrayList<>();
        int n = o.rates().isEmpty() ? o.concurrencies().size() : o.rates().size();
        for (int i = 0; i < n; i++) {
            LoadModel load = o.rates().isEmpty() ? new LoadModel.Closed(o.concurrencies().get(i))
                    : LoadModel.Open.steady(o.rates().get(i), o.spacing(), o.seed() + i, o.stage());
            out.add(new StagePlan("s" + (i + 1), load, o.stage(), warmup(o.stage()), cooldown(o.stage())));
        }
        return out;
    }

    private static StagePlan ramp(ProfileOptions o) {
        List<Double> r = rates(o, "ramp", "FROM,TO");
        var load = new LoadModel.Open(List.of(new LoadModel.Segment(o.stage(), r.get(0), r.get(1))), o.spacing(), o.seed());
        // Quarters of the ramp, so each rate band has its own percentiles; no warm-up: the ramp's start is its point.
        List<Phase> phases = new ArrayList<>();
        Duration quarter = o.stage().dividedBy(RAMP_PHASES);
        for (int i = 0; i < RAMP_PHASES; i++) {
            phases.add(new Phase("q" + (i + 1), quarter.multipliedBy(i),
                    i == RAMP_PHASES - 1 ? o.stage().minus(quarter.multipliedBy(i)) : quarter));
        }
        return new StagePlan("ramp", load, o.stage(), Duration.ZERO, Duration.ZERO, phases);
    }

    private static StagePlan spike(ProfileOptions o) {
        List<Double> r = rates(o, "spike", "BASE,PEAK");
        double base = r.get(0);
        double peak = r.get(1);
        var load = new LoadModel.Open(List.of(new LoadModel.Segment(o.stage(), base, base),
                new LoadModel.Segment(o.spike(), peak, peak), new LoadModel.Segment(o.stage(), base, base)),
                o.spacing(), o.seed());
        List<Phase> phases = List.of(new Phase("before", Duration.ZERO, o.stage()), new Phase("spike", o.stage(), o.spike()),
                new Phase("after", o.stage().plus(o.spike()), o.stage()));
        Duration total = load.duration();
        // Warm-up inside "before" and cool-down inside "after" only: the spike itself is always measured.
        return new StagePlan("spike", load, total, warmup(o.stage()), cooldown(o.stage()), phases);
    }

    private static StagePlan soak(ProfileOptions o) {
        LoadModel load = o.rates().isEmpty() ? new LoadModel.Closed(o.concurrencies().getFirst())
                : LoadModel.Open.steady(o.rates().getFirst(), o.spacing(), o.seed(), o.soak());
        Duration slice = o.phase().compareTo(o.soak()) < 0 ? o.phase() : o.soak();
        Duration warmup = warmup(slice);
        Duration cooldown = cooldown(slice);
        List<Phase> phases = new ArrayList<>();
        for (Duration at = Duration.ZERO; at.compareTo(o.soak()) < 0; at = at.plus(slice)) {
            Duration left = o.soak().minus(at);
            phases.add(new Phase("m" + (phases.size() + 1), at, left.compareTo(slice) < 0 ? left : slice));
        }
        // A last slice within the cool-down would have nothing measured: it joins the one before.
        if (phases.getLast().length().compareTo(cooldown) <= 0) {
            Phase last = phases.removeLast();
            Phase before = phases.removeLast();
            phases.add(new Phase(before.name(), before.start(), before.length().plus(last.length())));
        }
        return new StagePlan("soak", load, o.soak(), warmup, cooldown, phases);
    }

    /** Exactly two rates for {@code profile}, or an error naming what was given. */
    private static List<Double> rates(ProfileOptions o, String profile, String form) {
        if (o.rates().size() != 2) {
            throw new IllegalArgumentException("--profile " + profile + " needs --rate " + form + " (two rates), got "
                    + (o.rates().isEmpty() ? "none" : o.rates()));
        }
        return o.rates();
    }

    private static Duration warmup(Duration stage) {
        return stage.multipliedBy(15).dividedBy(100);
    }

    private static Duration cooldown(Duration stage) {
        return stage.dividedBy(10);
    }
}
