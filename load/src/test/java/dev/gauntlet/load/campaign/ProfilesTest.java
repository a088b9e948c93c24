package dev.gauntlet.load.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.load.simulation.LoadModel;
import dev.gauntlet.load.simulation.Phase;
import dev.gauntlet.load.simulation.Spacing;
import dev.gauntlet.load.simulation.StagePlan;
import dev.gauntlet.load.stats.Slo;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProfilesTest {
    private static ProfileOptions options(List<Double> rates, int soakSeconds) {
        return new ProfileOptions(List.of(3), rates, new Spacing.Gamma(0.5), 1, Duration.ofSeconds(20),
                Duration.ofSeconds(10), Duration.ofSeconds(soakSeconds), Duration.ofSeconds(60), 8, Duration.ofMinutes(5), 0.1);
    }

    private static StagePlan only(String profile, ProfileOptions o) {
        StagePlanner planner = Profiles.planner(profile, o, Slo.NONE);
        assertEquals(1, planner.maxStages());
        return planner.next(List.of());
    }

    @Test
    void soakPhasesCoverItAndAShortLastSliceJoinsTheOneBefore() {
        StagePlan soak = only("soak", options(List.of(), 150));
        assertEquals(new LoadModel.Closed(3), soak.load());
        assertEquals(List.of("m1", "m2", "m3"), soak.phases().stream().map(Phase::name).toList());
        assertEquals(Duration.ofSeconds(30), soak.phases().getLast().length());
        StagePlan ragged = only("soak", options(List.of(4.0), 125));
        assertEquals(2, ragged.phases().size());
        assertEquals(Duration.ofSeconds(65), ragged.phases().getLast().length());
        assertEquals("gamma0.5=4/s", ragged.load().label());
    }

    @Test
    void rampAndSpikeFollowTheirRates() {
        StagePlan ramp = only("ramp", options(List.of(1.0, 9.0), 60));
        assertEquals(5, ((LoadModel.Open) ramp.load()).meanRate(), 1e-9);
        assertEquals(4, ramp.phases().size());
        StagePlan spike = only("spike", options(List.of(2.0, 12.0), 60));
        assertEquals(Duration.ofSeconds(50), spike.duration());
        assertEquals(List.of("before", "spike", "after"), spike.phases().stream().map(Phase::name).toList());
        assertEquals("gamma0.5=2→12→2/s", spike.load().label());
    }

    @Test
    void badProfilesAndRatesAreNamed() {
        var unknown = assertThrows(IllegalArgumentException.class, () -> Profiles.planner("stress", options(List.of(), 60), Slo.NONE));
        assertTrue(unknown.getMessage().contains("'stress'"), unknown.getMessage());
        var spike = assertThrows(IllegalArgumentException.class, () -> Profiles.planner("spike", options(List.of(3.0), 60), Slo.NONE));
        assertTrue(spike.getMessage().contains("--rate BASE,PEAK") && spike.getMessage().contains("[3.0]"), spike.getMessage());
        var negative = assertThrows(IllegalArgumentException.class,
                () -> Profiles.planner("sweep", options(List.of(-2.0), 60), Slo.NONE).next(List.of()));
        assertTrue(negative.getMessage().contains("-2.0"), negative.getMessage());
    }
}
