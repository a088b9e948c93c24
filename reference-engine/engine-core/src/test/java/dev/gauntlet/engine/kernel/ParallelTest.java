package dev.gauntlet.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ParallelTest {
    private static int saved;

    @BeforeAll
    static void useFourThreads() {
        saved = Parallel.threads();
        Parallel.setThreads(4);
    }

    @AfterAll
    static void restore() {
        Parallel.setThreads(saved);
    }

    @Test
    void everyIndexRunsExactlyOnceWhateverTheSizeAndGrain() {
        for (int n : new int[] {1, 2, 3, 17, 64, 1000, 100_003}) {
            for (int grain : new int[] {1, 7, 4096}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                Parallel.forRange(n, grain, (start, end) -> {
                    for (int i = start; i < end; i++) {
                        hits.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertEquals(1, hits.get(i), "n=" + n + " grain=" + grain + " index " + i);
                }
            }
        }
    }

    @Test
    void helperThreadsShareTheWork() {
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        // Chunks long enough that a parked helper wakes before the caller has claimed them all.
        for (int attempt = 0; attempt < 50 && seen.size() < 2; attempt++) {
            Parallel.forRange(64, 1, (start, end) -> {
                seen.add(Thread.currentThread());
                long until = System.nanoTime() + 1_000_000;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            });
        }
        assertTrue(seen.size() >= 2, "only " + seen + " ran chunks");
    }

    @Test
    void aNestedLoopRunsInItsCaller() {
        AtomicIntegerArray hits = new AtomicIntegerArray(32 * 32);
        Parallel.forRange(32, 1, (start, end) -> {
            for (int i = start; i < end; i++) {
                int row = i;
                Parallel.forRange(32, 1, (s, e) -> {
                    for (int j = s; j < e; j++) {
                        hits.incrementAndGet(row * 32 + j);
                    }
                });
            }
        });
        for (int i = 0; i < hits.length(); i++) {
            assertEquals(1, hits.get(i), "index " + i);
        }
    }

    @Test
    void aFailingChunkReachesTheCallerAndTheTeamStaysUsable() {
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> Parallel.forRange(1000, 1,
                (start, end) -> {
                    if (start <= 500 && 500 < end) {
                        throw new IllegalStateException("chunk at 500");
                    }
                }));
        assertEquals("chunk at 500", thrown.getMessage());
        AtomicIntegerArray hits = new AtomicIntegerArray(1000);
        Parallel.forRange(1000, 1, (start, end) -> {
            for (int i = start; i < end; i++) {
                hits.incrementAndGet(i);
            }
        });
        for (int i = 0; i < 1000; i++) {
            assertEquals(1, hits.get(i), "index " + i);
        }
    }

    @Test
    void concurrentCallersEachGetTheirWholeRange() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try {
            Future<?>[] runs = new Future<?>[3];
            AtomicIntegerArray[] hits = new AtomicIntegerArray[runs.length];
            for (int c = 0; c < runs.length; c++) {
                AtomicIntegerArray h = hits[c] = new AtomicIntegerArray(5000);
                runs[c] = callers.submit(() -> {
                    for (int round = 0; round < 200; round++) {
                        Parallel.forRange(5000, 1, (start, end) -> {
                            for (int i = start; i < end; i++) {
                                h.incrementAndGet(i);
                            }
                        });
                    }
                });
            }
            for (int c = 0; c < runs.length; c++) {
                runs[c].get(30, TimeUnit.SECONDS);
                for (int i = 0; i < 5000; i++) {
                    assertEquals(200, hits[c].get(i), "caller " + c + " index " + i);
                }
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void threadCountIsValidated() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
        assertEquals(4, Parallel.threads());
    }
}
