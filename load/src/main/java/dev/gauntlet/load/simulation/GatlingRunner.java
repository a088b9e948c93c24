package dev.gauntlet.load.simulation;

import io.gatling.app.Gatling$;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Runs one stage as an embedded Gatling run (no Gatling bundle), which writes its HTML report under a folder. */
public final class GatlingRunner {
    private GatlingRunner() {
    }

    /**
     * Runs {@code run} to its end and returns the folder of Gatling's report for it.
     *
     * @param reports where Gatling puts its run folders
     * @throws IOException when Gatling fails or writes no report
     */
    public static synchronized Path run(StageRun run, Path reports) throws IOException {
        Files.createDirectories(reports);
        StageRun.setCurrent(run);
        int exit;
        try {
            exit = Gatling$.MODULE$.fromArgs(new String[]{
                    "-s", CampaignSimulation.class.getName(),
                    "-rf", reports.toString(),
                    "-rd", run.plan().name() + " " + run.plan().load().label()});
        } finally {
            StageRun.setCurrent(null);
        }
        // Gatling's exit is non-zero also when assertions fail; this simulation has none, so any failure is Gatling's own.
        if (exit != 0) {
            throw new IOException("Gatling ended stage " + run.plan().name() + " with exit code " + exit);
        }
        try (Stream<Path> runs = Files.list(reports)) {
            return runs.filter(p -> Files.isRegularFile(p.resolve("index.html")))
                    .max((a, b) -> Long.compare(a.toFile().lastModified(), b.toFile().lastModified()))
                    .orElseThrow(() -> new IOException("Gatling wrote no report under " + reports));
        }
    }
}
