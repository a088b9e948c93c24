package dev.gauntlet.load.campaign;

import dev.gauntlet.load.simulation.LoadModel;
import dev.gauntlet.load.simulation.StagePlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The named stage lists. {@code smoke}: one short closed-loop stage, to check a target answers and
 * the files are written. {@code sweep}: one closed-loop stage per concurrency, or one open-loop
 * stage per rate; the default sweep (concurrency 1, 2, 4, 8 for 20 s each) fits in under 3 minutes
 * with the engine's start on 2 cores.
 */
public final class Profiles {
    private Profiles() {
    }

    /**
     * The stages of {@code profile}.
     *
     * @param concurrencies closed-loop levels for a sweep (used when {@code rates} is empty)
     * @param rates         open-loop arrival rates for a sweep, requests per second
     * @param poisson       Poisson (else evenly spaced) arrivals for open loops
     * @param stage         each sweep stage's length; warm-up is 15 % of it, cool-down 10 %
     */
    public static List<StagePlan> stages(String profile, List<Integer> concurrencies, List<Double> rates,
                                         boolean poisson, Duration stage, long seed) {
        return switch (profile.toLowerCase(Locale.ROOT)) {
            case "smoke" -> List.of(new StagePlan("smoke", new LoadModel.Closed(2), Duration.ofSeconds(4),
                    Duration.ofMillis(500), Duration.ofMillis(500)));
            case "sweep" -> sweep(concurrencies, rates, poisson, stage, seed);
            default -> throw new IllegalArgumentException("unknown --profile '" + profile + "' (smoke, sweep)");
        };
    }

    private static List<StagePlan> sweep(List<Integer> concurrencies, List<Double> rates, boolean poisson,
                                         Duration stage, long seed) {
        Duration warmup = stage.multipliedBy(15).dividedBy(100);
        Duration cooldown = stage.dividedBy(10);
        List<StagePlan> out = new ArrayList<>();
        if (!rates.isEmpty()) {
            for (int i = 0; i < rates.size(); i++) {
                double rate = rates.get(i);
                LoadModel load = poisson ? new LoadModel.Poisson(rate, seed + i) : new LoadModel.Constant(rate);
                out.add(new StagePlan("s" + (i + 1), load, stage, warmup, cooldown));
            }
        } else {
            for (int i = 0; i < concurrencies.size(); i++) {
                out.add(new StagePlan("s" + (i + 1), new LoadModel.Closed(concurrencies.get(i)), stage, warmup, cooldown));
            }
        }
        return out;
    }
}
