package dev.gauntlet.cli;

import dev.gauntlet.engine.backend.ComputeBackends;
import dev.gauntlet.engine.model.BundledModel;
import dev.gauntlet.load.target.ServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gauntlet serve}: runs the OpenAI-compatible server over a model, as one process or as N
 * replicas behind a router, until Ctrl-C or SIGTERM (then stops every child) or until a child dies
 * (then stops the others and fails).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a model over OpenAI's API: one server, or --replicas N behind a router.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--model", description = "GGUF model file (default: the bundled model, " + BundledModel.MODEL + ").")
    Path model;

    @Option(names = "--replicas", defaultValue = "1", description = "Server processes; above 1, a router is put in front (default: ${DEFAULT-VALUE}).")
    int replicas;

    @Option(names = "--quant", description = "Convert weights at load: f32, f16, bf16, q8_0 or q4_0.")
    String quant;

    @Option(names = "--backend", defaultValue = "cpu", description = "Where the forward pass runs: cpu or cuda (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--gpu-memory-utilization",
            description = "CUDA backend: share of the GPU's memory each server may fill (the server's default: 0.9).")
    Double gpuMemoryUtilization;

    @Option(names = "--tp", description = "CUDA backend: split each server's model over this many GPUs (the server's default: 1).")
    Integer tensorParallel;

    @Option(names = "--port", defaultValue = "8000", description = "Port of the front (router or single server); 0 for a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--server-jar", description = "The engine-server jar (default: the one built next to this CLI).")
    Path serverJar;

    @Option(names = "--ready-timeout", defaultValue = "120", description = "Seconds each process may take to get ready (default: ${DEFAULT-VALUE}).")
    long readyTimeoutSeconds;

    @Override
    public Integer call() throws Exception {
        ComputeBackends.available(backend); // no GPU is one line here, not a child that never gets ready
        ServerCluster.Spec spec = new ServerCluster.Spec(serverJar != null ? serverJar : builtServerJar(),
                model != null ? model : BundledModel.model(),
                replicas, serverArgs(), port, List.of(), null, Duration.ofSeconds(readyTimeoutSeconds));
        ServerCluster cluster = ServerCluster.start(spec);
        // Ctrl-C and SIGTERM run shutdown hooks: the children are stopped with this process, never orphaned.
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "serve-stop"));
        for (ServerProcess c : cluster.children()) {
            // One write per line: the children share this stdout, and printf's pieces are flushed one by one.
            System.out.print(String.format("%-10s %s%n", c.name(), c.url()));
        }
        System.out.flush();
        ServerProcess gone = cluster.awaitAnyExit();
        System.err.println("gauntlet serve: " + gone.name() + " exited with code " + gone.process().exitValue()
                + "; stopping the others");
        cluster.close();
        return 1;
    }

    private List<String> serverArgs() {
        List<String> args = new ArrayList<>(List.of("--backend", backend));
        if (quant != null) {
            args.addAll(List.of("--quant", quant));
        }
        if (gpuMemoryUtilization != null) {
            args.addAll(List.of("--gpu-memory-utilization", gpuMemoryUtilization.toString()));
        }
        if (tensorParallel != null) {
            args.addAll(List.of("--tp", tensorParallel.toString()));
        }
        return args;
    }

    /**
     * The server jar of this checkout: the CLI runs from {@code cli/target/gauntlet.jar} (or
     * {@code cli/target/classes}), and the server is built to {@code reference-engine/engine-server/target}.
     */
    static Path builtServerJar() {
        return ChildJvm.inCheckout("reference-engine/engine-server/target/engine-server.jar");
    }
}
