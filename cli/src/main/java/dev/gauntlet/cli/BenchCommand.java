package dev.gauntlet.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gauntlet bench}: the engine's JMH benchmarks in a child JVM, results stored as JSON in a
 * run folder, then the decode-step roofline table (each step as a share of the memory bandwidth
 * and of the multiply-add peak measured in the same run).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run the engine's JMH benchmarks (decode steps, memory bandwidth and compute peak by default) and print the roofline table.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--include", defaultValue = "DecodeStepBenchmark|MemoryBandwidthBenchmark|ComputePeakBenchmark",
            description = "JMH benchmark regex (default: ${DEFAULT-VALUE}).")
    String include;

    @Option(names = "--out", description = "Run folder (default: runs/bench-<timestamp>).")
    Path out;

    @Parameters(paramLabel = "JMH_ARG", description = "Further JMH options after --, e.g. -- -p quant=q8_0 -p batch=1 -f 1.")
    List<String> jmhArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Path jar = ChildJvm.inCheckout("reference-engine/engine-bench/target/benchmarks.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("no benchmarks jar at " + jar
                    + " (build it: ./mvnw -B -DskipTests -pl reference-engine/engine-bench -am install)");
        }
        Path dir = out != null ? out
                : Path.of("runs", "bench-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(dir);
        Path json = dir.resolve("jmh.json");
        List<String> jmh = ChildJvm.java();
        jmh.addAll(List.of("-jar", jar.toString(), include, "-rf", "json", "-rff", json.toString()));
        jmh.addAll(jmhArgs);
        int exit = new ProcessBuilder(jmh).inheritIO().redirectOutput(ProcessBuilder.Redirect.to(dir.resolve("jmh.log").toFile()))
                .start().waitFor();
        if (exit != 0) {
            System.err.println("gauntlet bench: JMH exited with " + exit + "; see " + dir.resolve("jmh.log"));
            return exit;
        }
        List<String> report = ChildJvm.java();
        report.addAll(List.of("-cp", jar.toString(), "dev.gauntlet.bench.RooflineReport", json.toString()));
        Path table = dir.resolve("roofline.md");
        // Only the report's stdout goes in the table: the JVM's warnings go to the console.
        exit = new ProcessBuilder(report).redirectError(ProcessBuilder.Redirect.INHERIT).redirectOutput(table.toFile())
                .start().waitFor();
        System.out.print(Files.readString(table));
        System.out.println("\nresults: " + json + " (JMH JSON), " + dir.resolve("jmh.log") + ", " + table);
        return exit;
    }
}
