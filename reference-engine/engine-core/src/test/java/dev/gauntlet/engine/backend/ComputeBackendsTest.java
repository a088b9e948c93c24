package dev.gauntlet.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.kv.PagedKvCache;
import dev.gauntlet.engine.model.LoadedModel;
import dev.gauntlet.engine.synth.ModelShape;
import dev.gauntlet.engine.synth.SyntheticModel;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Picking a backend by name, and the CPU backend's placement (engine-core's tests have no GPU module on the class path). */
class ComputeBackendsTest {

    @Test
    void cpuIsAlwaysThereAndTheDefault() {
        assertEquals("cpu", ComputeBackends.named("cpu").name());
        assertEquals("cpu", ComputeBackends.named(" CPU ").name());
        assertEquals("cpu", ComputeBackends.named(null).name());
        assertTrue(ComputeBackends.available("cpu").unavailableReason().isEmpty());
    }

    @Test
    void anUnknownNameIsNamedWithTheChoices() {
        var e = assertThrows(IllegalArgumentException.class, () -> ComputeBackends.named("tpu"));
        assertEquals("unknown --backend 'tpu': expected one of cpu, cuda", e.getMessage());
    }

    @Test
    void aBackendWhoseModuleIsMissingSaysWhichModule() {
        var e = assertThrows(BackendUnavailableException.class, () -> ComputeBackends.available("cuda"));
        assertEquals("--backend cuda: its module (engine-cuda) is not on this program's class path", e.getMessage());
    }

    @Test
    void kvSizingNamesBadValues() {
        assertEquals("--gpu-memory-utilization must be in (0, 1], got 1.5",
                assertThrows(IllegalArgumentException.class, () -> new KvSizing(1, 1.5)).getMessage());
        assertEquals("--gpu-memory-utilization must be in (0, 1], got 0.0",
                assertThrows(IllegalArgumentException.class, () -> new KvSizing(1, 0)).getMessage());
        assertEquals("--kv-cache-bytes must be > 0, got 0",
                assertThrows(IllegalArgumentException.class, () -> KvSizing.ofBytes(0)).getMessage());
    }

    @Test
    void theCpuPlacementIsTheLoadedModelWithItsByteBudget(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tiny.gguf");
        SyntheticModel.write(ModelShape.TINY, GgmlType.F32, 3, file);
        try (LoadedModel loaded = LoadedModel.load(file, Optional.empty());
             PlacedModel placed = ComputeBackends.named("cpu").place(loaded)) {
            assertEquals("cpu", placed.backend());
            assertSame(loaded.model(), placed.model());
            assertEquals(loaded.model().weights().totalBytes(), placed.weightBytes());
            long budget = 1L << 20;
            PagedKvCache cache = placed.newKvCache(KvSizing.ofBytes(budget), 16, 512);
            var c = ModelShape.TINY.config();
            assertEquals(PagedKvCache.blocksForBudget(budget, c.layers(), c.kvDim(), 16), cache.totalBlocks());
            assertEquals("--tp 2 needs a GPU backend (--backend cuda): the CPU backend runs on one device",
                    assertThrows(IllegalArgumentException.class, () -> ComputeBackends.named("cpu").place(loaded, 2))
                            .getMessage());
        }
    }
}
