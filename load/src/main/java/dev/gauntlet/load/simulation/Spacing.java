package dev.gauntlet.load.simulation;

import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * How an open loop spaces its arrivals around its rate: evenly, as a Poisson process, or with gamma
 * gaps of a given burstiness (vLLM bench's {@code --burstiness}). Gaps are drawn in units of the mean
 * gap, so the rate alone sets how many arrive; the spacing only sets how they bunch.
 */
public sealed interface Spacing {

    /**
     * Successive gaps between arrivals in units of the mean gap (mean 1), the first one measured from
     * the stage's start.
     */
    DoubleSupplier unitGaps(long seed);

    /** The name in results: {@code constant}, {@code poisson} or {@code gamma}. */
    String kind();

    /** Evenly spaced, the first arrival at the stage's start. */
    record Even() implements Spacing {
        @Override
        public DoubleSupplier unitGaps(long seed) {
            boolean[] first = {true};
            return () -> {
                if (first[0]) {
                    first[0] = false;
                    return 0;
                }
                return 1;
            };
        }

        @Override
        public String kind() {
            return "constant";
        }
    }

    /** Exponential gaps: a Poisson process, seeded. */
    record Poisson() implements Spacing {
        @Override
        public DoubleSupplier unitGaps(long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            // Inverse transform: -ln(U) with U in (0, 1].
            return () -> -Math.log(1.0 - random.nextDouble());
        }

        @Override
        public String kind() {
            return "poisson";
        }
    }

    /**
     * Gamma gaps of shape {@code burstiness} and mean 1: below 1 arrivals come in bursts separated
     * by long quiet spells, above 1 they are more even than Poisson; exactly 1 is Poisson.
     */
    record Gamma(double burstiness) implements Spacing {
        public Gamma {
            if (!(burstiness > 0) || Double.isInfinite(burstiness)) {
                throw new IllegalArgumentException("--burstiness must be a positive number, got " + burstiness);
            }
        }

        @Override
        public DoubleSupplier unitGaps(long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            // Scale 1/shape makes the mean 1.
            return () -> GammaVariates.sample(random, burstiness) / burstiness;
        }

        @Override
        public String kind() {
            return "gamma";
        }
    }

    /** {@code constant}, or {@code poisson} with a burstiness: Poisson at 1, gamma otherwise. */
    static Spacing of(String arrivals, double burstiness) {
        return switch (arrivals) {
            case "constant" -> {
                if (burstiness != 1) {
                    throw new IllegalArgumentException("--burstiness " + burstiness + " needs --arrivals poisson");
                }
                yield new Even();
            }
            case "poisson" -> burstiness == 1 ? new Poisson() : new Gamma(burstiness);
            default -> throw new IllegalArgumentException("--arrivals must be poisson or constant, got '" + arrivals + "'");
        };
    }
}
