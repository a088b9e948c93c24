package dev.gauntlet.load.campaign;

import dev.gauntlet.load.simulation.Spacing;
import java.time.Duration;
import java.util.List;

/**
 * What the profiles are built from (the CLI's flags).
 *
 * @param concurrencies closed-loop levels (sweep; soak without rates)
 * @param rates         open-loop rates in requests per second: the sweep's stages, a ramp's FROM,TO, a
 *                      spike's BASE,PEAK, a soak's rate, a capacity search's first rate
 * @param spacing       how open-loop arrivals are spaced
 * @param seed          seed of the arrivals
 * @param stage         a sweep or capacity stage's length, a ramp's length, a spike's time before and after the peak
 * @param spike         a spike's peak length
 * @param soak          a soak's length
 * @param phase         a soak's (and a ramp's) statistics slice
 * @param maxStages     a capacity search's most stages
 * @param searchBudget  a capacity search's longest run
 * @param precision     a capacity search's relative precision
 */
public record ProfileOptions(List<Integer> concurrencies, List<Double> rates, Spacing spacing, long seed,
                             Duration stage, Duration spike, Duration soak, Duration phase, int maxStages,
                             Duration searchBudget, double precision) {
    public ProfileOptions {
        concurrencies = List.copyOf(concurrencies);
        rates = List.copyOf(rates);
        for (Duration d : List.of(stage, spike, soak, phase, searchBudget)) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("durations must be positive, got " + d.toSeconds() + " s");
            }
        }
    }
}
