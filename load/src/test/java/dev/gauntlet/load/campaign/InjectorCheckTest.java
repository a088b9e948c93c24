package dev.gauntlet.load.campaign;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.load.client.RequestRecord;
import dev.gauntlet.load.stats.Slo;
import dev.gauntlet.load.stats.StageStatistics;
import java.util.List;
import org.junit.jupiter.api.Test;

class InjectorCheckTest {
    /** A stage of one request sent {@code lagMs} after its intended start. */
    private static StageStatistics lagged(double lagMs) {
        long sent = (long) (lagMs * 1e6);
        RequestRecord r = new RequestRecord(0, 0, sent, sent + 1, sent + 2, sent + 2, sent + 3, sent + 3,
                new long[]{sent + 2}, new int[]{1}, 1, 1, 200, null, null, null, null, null);
        return StageStatistics.of(List.of(r), x -> true, 1, Slo.NONE);
    }

    @Test
    void warnsOnLagOrOnCpuAndOnlyThen() {
        assertNull(InjectorCheck.warning(lagged(2), 0.4, 2));
        String lag = InjectorCheck.warning(lagged(25), 0.4, 2);
        assertTrue(lag != null && lag.contains("injector lag p99 25.0 ms > 10 ms") && !lag.contains("cores"), lag);
        String cpu = InjectorCheck.warning(lagged(2), 1.3, 2);
        assertTrue(cpu != null && cpu.contains("injector used 1.30 of 2 cores"), cpu);
        assertNull(InjectorCheck.warning(lagged(2), 1.3, 4), "1.3 of 4 cores leaves the target room");
    }
}
