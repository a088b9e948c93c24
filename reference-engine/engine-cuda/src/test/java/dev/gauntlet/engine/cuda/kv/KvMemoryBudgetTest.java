package dev.gauntlet.engine.cuda.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.engine.cuda.driver.MemoryInfo;
import org.junit.jupiter.api.Test;

class KvMemoryBudgetTest {
    private static final long GIB = 1L << 30;

    @Test
    void theCacheGetsWhatIsLeftOfTheAllowedShare() {
        // 80 GiB device, 20 GiB in use (weights, buffers, others): 90% allows 72, so 52 remain.
        assertEquals(52 * GIB, KvMemoryBudget.bytes(new MemoryInfo(60 * GIB, 80 * GIB), 0.9));
        assertEquals(60 * GIB, KvMemoryBudget.bytes(new MemoryInfo(60 * GIB, 80 * GIB), 1.0));
    }

    @Test
    void aShareBelowWhatIsInUseIsRefusedWithTheNumbers() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> KvMemoryBudget.bytes(new MemoryInfo(10 * GIB, 80 * GIB), 0.5));
        assertTrue(e.getMessage().contains("already in use"), e.getMessage());
    }

    @Test
    void theShareMustBeAFraction() {
        assertThrows(IllegalArgumentException.class, () -> KvMemoryBudget.bytes(new MemoryInfo(GIB, GIB), 0));
        assertThrows(IllegalArgumentException.class, () -> KvMemoryBudget.bytes(new MemoryInfo(GIB, GIB), 1.5));
        assertThrows(IllegalArgumentException.class, () -> KvMemoryBudget.bytes(new MemoryInfo(GIB, GIB), Double.NaN));
    }
}
