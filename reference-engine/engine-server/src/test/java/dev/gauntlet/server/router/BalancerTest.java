package dev.gauntlet.server.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Least-outstanding picks among available replicas. */
class BalancerTest {
    static Upstream upstream(int port) {
        Upstream u = new Upstream(URI.create("http://127.0.0.1:" + port), new CircuitBreaker(1, Long.MAX_VALUE,
                System::nanoTime), new TtftWindow(1_000_000_000L, System::nanoTime), true);
        u.markHealthy(true);
        return u;
    }

    private final Upstream a = upstream(1);
    private final Upstream b = upstream(2);
    private final Upstream c = upstream(3);
    private final Balancer balancer = new Balancer(List.of(a, b, c));

    @Test
    void picksTheReplicaWithFewestRequestsInFlight() {
        Set<Upstream> picked = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            picked.add(balancer.pick(Set.of()));
        }
        assertEquals(Set.of(a, b, c), picked, "an idle pool is spread over every replica");
        a.finish(Upstream.Outcome.SUCCESS);
        assertSame(a, balancer.pick(Set.of()), "a has the fewest requests in flight");
        assertEquals(1, a.outstanding());
        c.finish(Upstream.Outcome.NEUTRAL);
        assertSame(c, balancer.pick(Set.of()));
    }

    @Test
    void skipsUnhealthyOpenAndExcludedReplicas() {
        a.markHealthy(false);
        b.breaker().onFailure();
        assertSame(c, balancer.pick(Set.of()));
        assertNull(balancer.pick(Set.of(c)), "nothing else is available");
        a.markHealthy(true);
        assertSame(a, balancer.pick(Set.of(c)));
    }

    @Test
    void aFailureMarksTheReplicaUnhealthyUntilTheNextCheck() {
        Upstream first = balancer.pick(Set.of());
        first.finish(Upstream.Outcome.FAILURE);
        for (int i = 0; i < 4; i++) {
            Upstream next = balancer.pick(Set.of());
            assertNotSame(first, next, "the failed replica gets no traffic");
        }
    }
}
