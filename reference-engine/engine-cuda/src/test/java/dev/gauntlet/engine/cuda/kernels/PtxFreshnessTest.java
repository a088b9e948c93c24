package dev.gauntlet.engine.cuda.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed PTX must be built from the committed CUDA sources: their hashes must match the
 * manifest build-ptx.sh wrote beside the PTX (checked everywhere, CI included); where nvcc of
 * the version that built the PTX is installed, recompiling must give the committed PTX.
 */
class PtxFreshnessTest {
    private static final System.Logger LOG = System.getLogger(PtxFreshnessTest.class.getName());
    private static final Path SOURCES = Path.of("src/main/cuda");

    @Test
    void everyCudaSourceMatchesTheHashThePtxWasBuiltFrom() throws Exception {
        Map<String, String> recorded = new TreeMap<>();
        for (String line : Ptx.text(Ptx.MANIFEST).split("\n")) {
            if (!line.isBlank()) {
                String[] parts = line.trim().split("\\s+", 2);
                recorded.put(parts[1], parts[0]);
            }
        }
        Map<String, String> actual = new TreeMap<>();
        try (Stream<Path> files = Files.list(SOURCES)) {
            for (Path f : files.toList()) {
                actual.put(f.getFileName().toString(), sha256(Files.readAllBytes(f)));
            }
        }
        assertEquals(recorded, actual, "src/main/cuda changed since the PTX was built: run reference-engine/engine-cuda/build-ptx.sh and commit");
    }

    @Test
    void everyModuleHasItsPtx() {
        for (String m : Ptx.MODULES) {
            assertTrue(Files.exists(SOURCES.resolve(m + ".cu")), m + ".cu");
            assertTrue(Ptx.text(m + ".ptx").contains(".target sm_90"), m + ".ptx targets sm_90");
        }
    }

    /**
     * Kernel.launch makes programmatic dependent launches, so a kernel that never ran
     * griddepcontrol.wait could read what the kernel before it has not written yet.
     */
    @Test
    void everyKernelWaitsForTheKernelBeforeIt() {
        for (String m : Ptx.MODULES) {
            String[] entries = Ptx.text(m + ".ptx").split("\\.entry ");
            assertTrue(entries.length > 1, m + ".ptx has kernels");
            for (int i = 1; i < entries.length; i++) {
                String name = entries[i].substring(0, entries[i].indexOf('('));
                assertTrue(entries[i].contains("griddepcontrol.wait;"), name + " in " + m + ".ptx waits (dependent_launch)");
            }
        }
    }

    @Test
    void recompilingWithTheSameNvccGivesTheCommittedPtx(@TempDir Path tmp) throws Exception {
        Optional<String> nvcc = nvccVersion();
        if (nvcc.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "nvcc not found: PTX recompilation check skipped (the hash check still ran)");
            return;
        }
        for (String m : Ptx.MODULES) {
            String committed = Ptx.text(m + ".ptx");
            if (!committed.contains(nvcc.get())) {
                LOG.log(System.Logger.Level.INFO, "installed nvcc (" + nvcc.get() + ") is not the one that built " + m
                        + ".ptx: recompilation check skipped");
                return;
            }
            Path out = tmp.resolve(m + ".ptx");
            run("nvcc", "-arch=sm_90", "-ptx", "-O3", "-o", out.toString(), SOURCES.resolve(m + ".cu").toString());
            assertEquals(committed, Files.readString(out), m + ".ptx is stale: run build-ptx.sh and commit");
        }
    }

    /** The "release X, VY" line nvcc prints, which it also writes into every PTX header. */
    private static Optional<String> nvccVersion() throws InterruptedException {
        try {
            String out = run("nvcc", "--version");
            return out.lines().filter(l -> l.startsWith("Cuda compilation tools")).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
