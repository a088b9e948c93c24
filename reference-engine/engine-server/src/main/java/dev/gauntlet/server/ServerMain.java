package dev.gauntlet.server;

import dev.gauntlet.engine.backend.BackendUnavailableException;
import dev.gauntlet.engine.backend.ComputeBackends;
import dev.gauntlet.engine.backend.KvSizing;
import dev.gauntlet.server.router.RouterApplication;
import dev.gauntlet.server.router.RouterOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerPortFileWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar engine-server.jar --model F.gguf [--port N] ...}, or {@code --role router
 * --upstream URL ...} for the router in front of replicas: parses the command line and
 * starts the Spring application with the equivalent properties, so that options read like the
 * CLI's ({@code --model F.gguf}) rather than Spring's ({@code --gauntlet.model=F.gguf}).
 */
@Command(name = "engine-server", mixinStandardHelpOptions = true,
        description = "OpenAI-compatible HTTP server around the Gauntlet reference engine.")
public final class ServerMain implements Callable<Integer> {

    /** What the process runs. */
    enum Role { server, router }

    @Option(names = "--role", defaultValue = "server", description = "server (a model) or router (in front of --upstream replicas); default: ${DEFAULT-VALUE}.")
    Role role;

    @Mixin
    RouterOptions router;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", description = "GGUF model file (required for the server role).")
    Path model;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8000", description = "Port; 0 for a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--port-file", description = "Once listening, write the port to this file (how a parent learns the port that --port 0 got).")
    Path portFile;

    @Option(names = "--quant", description = "Convert weights at load: f32, f16, bf16, q8_0 or q4_0.")
    String quant;

    @Option(names = "--backend", defaultValue = "cpu", description = "Where the forward pass runs: cpu or cuda (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--tp", defaultValue = "1",
            description = "CUDA backend: split the model over this many GPUs, tensor parallel (default: ${DEFAULT-VALUE}).")
    int tensorParallel;

    @Option(names = "--kv-cache-bytes", defaultValue = "268435456", description = "KV cache budget on the CPU backend (default: ${DEFAULT-VALUE}).")
    long kvCacheBytes;

    @Option(names = "--gpu-memory-utilization", defaultValue = "0.9",
            description = "CUDA backend: share of the GPU's memory this server may fill; the KV cache gets what the weights"
                    + " and step buffers leave of it (default: ${DEFAULT-VALUE}).")
    double gpuMemoryUtilization;

    @Option(names = "--max-batch-size", defaultValue = "32", description = "Most sequences per step (default: ${DEFAULT-VALUE}).")
    int maxBatchSize;

    @Option(names = "--max-tokens-per-step", defaultValue = "512", description = "Most tokens per step (default: ${DEFAULT-VALUE}).")
    int maxTokensPerStep;

    @Option(names = "--max-queue", defaultValue = "64", description = "Most waiting requests before HTTP 429 (default: ${DEFAULT-VALUE}).")
    int maxQueue;

    @Option(names = "--max-body-bytes", defaultValue = "1048576", description = "Largest request body before HTTP 413 (default: ${DEFAULT-VALUE}).")
    int maxBodyBytes;

    @Option(names = "--api-key", description = "Bearer key required on /v1/* (repeatable); without keys the API is open.")
    List<String> apiKeys = new ArrayList<>();

    @Option(names = "--api-keys-file", description = "File of further API keys, one a line.")
    Path apiKeysFile;

    @Option(names = "--admin-key", description = "Bearer key of /admin/* and /actuator/*; without it they stay closed.")
    String adminKey;

    @Option(names = "--rate-limit-rps", defaultValue = "0", description = "Requests per second per API key (or client address); 0: no limit (default).")
    double rateLimitRps;

    @Option(names = "--rate-limit-burst", defaultValue = "0", description = "Requests a client may send at once; 0: ceil(rps).")
    int rateLimitBurst;

    @Option(names = "--drain-timeout", defaultValue = "30s", description = "On shutdown, how long running requests may finish (default: ${DEFAULT-VALUE}).")
    String drainTimeout;

    @Option(names = "--chaos-monkey", description = "Turn Chaos Monkey on (Spring profile chaos-monkey; needs --admin-key).")
    boolean chaosMonkey;

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new ServerMain());
        int exit = cli.execute(args);
        if (exit != 0 || cli.isUsageHelpRequested() || cli.isVersionHelpRequested()) {
            System.exit(exit);
        }
    }

    /** Starts the server; it keeps running on its own (non-daemon) threads after this returns. */
    @Override
    public Integer call() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("server.address", host);
        properties.put("server.port", port);
        if (role == Role.router) {
            properties.putAll(router.properties());
            properties.put("gauntlet.router.max-body-bytes", maxBodyBytes);
            return run(RouterApplication.class, properties, portFile);
        }
        if (model == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--model=<model>'");
        }
        try {
            // Before Spring starts: a backend that cannot run here is one clear line, not a failed context.
            ComputeBackends.available(backend);
            new KvSizing(kvCacheBytes, gpuMemoryUtilization);
            if (tensorParallel < 1) {
                throw new IllegalArgumentException("--tp must be at least 1, got " + tensorParallel);
            }
        } catch (IllegalArgumentException | BackendUnavailableException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        properties.put("gauntlet.model", model.toString());
        properties.put("gauntlet.backend", backend);
        properties.put("gauntlet.tensor-parallel", tensorParallel);
        properties.put("gauntlet.gpu-memory-utilization", gpuMemoryUtilization);
        if (quant != null) {
            properties.put("gauntlet.quant", quant);
        }
        properties.put("gauntlet.kv-cache-bytes", kvCacheBytes);
        properties.put("gauntlet.max-batch-size", maxBatchSize);
        properties.put("gauntlet.max-tokens-per-step", maxTokensPerStep);
        properties.put("gauntlet.max-queue", maxQueue);
        properties.put("gauntlet.max-body-bytes", maxBodyBytes);
        for (int i = 0; i < apiKeys.size(); i++) {
            properties.put("gauntlet.access.api-keys[" + i + "]", apiKeys.get(i));
        }
        if (apiKeysFile != null) {
            properties.put("gauntlet.access.api-keys-file", apiKeysFile.toString());
        }
        if (adminKey != null) {
            properties.put("gauntlet.access.admin-key", adminKey);
        }
        properties.put("gauntlet.rate-limit.rps", rateLimitRps);
        properties.put("gauntlet.rate-limit.burst", rateLimitBurst);
        properties.put("gauntlet.drain.timeout", drainTimeout);
        if (chaosMonkey) {
            properties.put("spring.profiles.active", "chaos-monkey");
        }
        return run(GauntletServerApplication.class, properties, portFile);
    }

    private static int run(Class<?> application, Map<String, Object> properties, Path portFile) {
        // As Spring command-line arguments they override application.properties (default properties would not).
        String[] springArgs = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        SpringApplication app = new SpringApplication(application);
        if (portFile != null) {
            app.addListeners(new WebServerPortFileWriter(portFile.toFile()));
        }
        app.run(springArgs);
        return 0;
    }
}
