package dev.gauntlet.server;

import dev.gauntlet.engine.backend.KvSizing;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The server's settings ({@code gauntlet.*} properties, filled from the command line by {@link ServerMain}).
 *
 * @param model             GGUF model file
 * @param backend           where the forward pass runs: {@code cpu} or {@code cuda}
 * @param quant             weight type to convert to at load ({@code q8_0}, ...), or null to keep the stored types
 * @param tensorParallel    devices the model is split over ({@code --tp}; the CUDA backend)
 * @param kvCacheBytes      KV cache budget on the CPU backend
 * @param gpuMemoryUtilization share of the GPU's memory the process may fill, the KV cache taking what the weights
 *                          and step buffers leave (the CUDA backend)
 * @param kvBlockSize       tokens per KV block
 * @param maxBatchSize      most sequences in one engine step
 * @param maxTokensPerStep  most tokens in one engine step (prefill chunking)
 * @param maxQueue          most requests waiting for a batch slot; beyond it requests get HTTP 429
 * @param maxBodyBytes      largest accepted request body; larger ones get HTTP 413
 * @param retryAfterSeconds the {@code Retry-After} sent with HTTP 429
 */
@ConfigurationProperties("gauntlet")
public record ServerSettings(Path model, @DefaultValue("cpu") String backend, String quant,
                             @DefaultValue("1") int tensorParallel,
                             @DefaultValue("268435456") long kvCacheBytes,
                             @DefaultValue("0.9") double gpuMemoryUtilization,
                             @DefaultValue("16") int kvBlockSize,
                             @DefaultValue("32") int maxBatchSize,
                             @DefaultValue("512") int maxTokensPerStep,
                             @DefaultValue("64") int maxQueue,
                             @DefaultValue("1048576") int maxBodyBytes,
                             @DefaultValue("1") int retryAfterSeconds) {

    public ServerSettings {
        if (model == null) {
            throw new IllegalArgumentException("gauntlet.model (--model) is required");
        }
        new KvSizing(kvCacheBytes, gpuMemoryUtilization); // names a bad value before anything loads
        if (tensorParallel < 1) {
            throw new IllegalArgumentException("--tp must be at least 1, got " + tensorParallel);
        }
        if (maxQueue < 0) {
            throw new IllegalArgumentException("--max-queue must be ≥ 0, got " + maxQueue);
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("--max-body-bytes must be ≥ 1, got " + maxBodyBytes);
        }
    }

    /** The KV cache's sizing on either backend. */
    public KvSizing kvSizing() {
        return new KvSizing(kvCacheBytes, gpuMemoryUtilization);
    }
}
