package dev.gauntlet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.engine.backend.ComputeBackend;
import dev.gauntlet.engine.backend.ComputeBackends;
import dev.gauntlet.engine.backend.KvSizing;
import dev.gauntlet.engine.backend.PlacedModel;
import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.kernel.Parallel;
import dev.gauntlet.engine.kv.PagedKvCache;
import dev.gauntlet.engine.model.BundledModel;
import dev.gauntlet.engine.model.LoadedModel;
import dev.gauntlet.engine.sampling.SamplingParams;
import dev.gauntlet.engine.sampling.TokenLogprob;
import dev.gauntlet.engine.scheduler.EngineConfig;
import dev.gauntlet.engine.scheduler.FinishEvent;
import dev.gauntlet.engine.scheduler.GenerationEvent;
import dev.gauntlet.engine.scheduler.GenerationRequest;
import dev.gauntlet.engine.scheduler.InferenceEngine;
import dev.gauntlet.engine.scheduler.RequestHandle;
import dev.gauntlet.engine.scheduler.TokenEvent;
import dev.gauntlet.engine.tokenizer.ChatTemplate;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gauntlet generate}: one request through the engine, streamed to standard output, ending
 * with prompt and generation speed. With {@code --prompt-ids} or {@code --top-logprobs} it prints
 * one JSON object per generated token instead, for comparing engines by hand.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate text from a GGUF model and report prompt and generation tokens/s.")
final class GenerateCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Most tokens one engine step runs (prefill chunks). */
    private static final int MAX_TOKENS_PER_STEP = 512;

    @Option(names = "--model", description = "GGUF model file (default: the bundled model, " + BundledModel.MODEL + ").")
    Path model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Prompt prompt;

    static final class Prompt {
        @Option(names = "--prompt", description = "Prompt text (BOS added when the model asks for it).")
        String text;

        @Option(names = "--prompt-ids", split = ",", description = "Prompt token ids, used exactly as given (no BOS added).")
        int[] ids;
    }

    @Option(names = "--chat", description = "Wrap --prompt in the model's chat template as a user message.")
    boolean chat;

    @Option(names = "--max-tokens", defaultValue = "64", description = "Tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--quant", description = "Convert weights at load: f32, f16, bf16, q8_0 or q4_0.")
    String quant;

    @Option(names = "--threads", description = "Worker threads (default: all cores).")
    Integer threads;

    @Option(names = "--temperature", defaultValue = "0", description = "0 = greedy (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0", description = "0 = off.")
    int topK;

    @Option(names = "--top-p", defaultValue = "1", description = "1 = off.")
    double topP;

    @Option(names = "--seed", description = "Sampling seed (same seed, same output).")
    Long seed;

    @Option(names = "--ignore-eos", description = "Keep generating past end-of-sequence tokens.")
    boolean ignoreEos;

    @Option(names = "--top-logprobs", defaultValue = "0",
            description = "Print one JSON line per token with the K most probable next tokens (probabilities before sampling).")
    int topLogprobs;

    @Option(names = "--backend", defaultValue = "cpu", description = "Where the forward pass runs: cpu or cuda (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--tp", defaultValue = "1",
            description = "CUDA backend: split the model over this many GPUs, tensor parallel (default: ${DEFAULT-VALUE}).")
    int tensorParallel;

    @Option(names = "--kv-cache-bytes", defaultValue = "268435456", description = "KV cache budget on the CPU backend (default: ${DEFAULT-VALUE}).")
    long kvCacheBytes;

    @Option(names = "--gpu-memory-utilization", defaultValue = "" + KvSizing.DEFAULT_GPU_MEMORY_UTILIZATION,
            description = "CUDA backend: share of the GPU's memory to fill; the KV cache gets what the weights leave (default: ${DEFAULT-VALUE}).")
    double gpuMemoryUtilization;

    @Override
    public Integer call() throws Exception {
        if (threads != null) {
            Parallel.setThreads(threads);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("--max-tokens must be at least 1, got " + maxTokens);
        }
        if (topLogprobs < 0 || topLogprobs > SamplingParams.MAX_LOGPROBS) {
            throw new IllegalArgumentException("--top-logprobs must be in 0.." + SamplingParams.MAX_LOGPROBS + ", got " + topLogprobs);
        }
        Optional<GgmlType> q = quant == null ? Optional.empty() : Optional.of(GgmlType.parse(quant));
        KvSizing kv = new KvSizing(kvCacheBytes, gpuMemoryUtilization);
        ComputeBackend compute = ComputeBackends.available(backend);
        long loadStart = System.nanoTime();
        try (LoadedModel loaded = LoadedModel.load(model != null ? model : BundledModel.model(), q);
             PlacedModel placed = compute.place(loaded, tensorParallel)) {
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            int[] ids = promptIds(loaded);
            boolean json = prompt.ids != null || topLogprobs > 0;
            SamplingParams params = SamplingParams.builder()
                    .temperature(temperature).topK(topK).topP(topP).seed(seed)
                    .maxTokens(maxTokens).ignoreEos(ignoreEos)
                    .logprobs(json ? Math.max(1, topLogprobs) : null)
                    .build();
            PagedKvCache cache = placed.newKvCache(kv, 16, MAX_TOKENS_PER_STEP);
            PrintStream out = System.out;
            FinishEvent finish;
            try (InferenceEngine engine = new InferenceEngine(placed.model(), loaded.tokenizer(), cache,
                    new EngineConfig(1, MAX_TOKENS_PER_STEP))) {
                RequestHandle handle = engine.submit(GenerationRequest.of("generate", ids, params));
                finish = null;
                for (var it = handle.stream(); it.hasNext(); ) {
                    GenerationEvent e = it.next();
                    if (e instanceof TokenEvent t) {
                        if (json) {
                            out.println(tokenJson(t));
                        } else {
                            out.print(t.text());
                            out.flush();
                        }
                    } else if (e instanceof FinishEvent f) {
                        finish = f;
                    }
                }
            }
            if (!json) {
                out.println();
            }
            report(loaded, placed.backend(), loadSeconds, finish);
            return finish.reason().name().equals("ERROR") || finish.reason().name().equals("REJECTED") ? 1 : 0;
        }
    }

    private int[] promptIds(LoadedModel loaded) {
        if (prompt.ids != null) {
            if (chat) {
                throw new IllegalArgumentException("--chat applies to --prompt text, not to --prompt-ids");
            }
            return prompt.ids;
        }
        if (chat) {
            return ChatTemplate.forTokenizer(loaded.tokenizer()).encode(List.of(new ChatTemplate.Message("user", prompt.text)));
        }
        return loaded.tokenizer().encode(prompt.text, true, false);
    }

    private static String tokenJson(TokenEvent t) {
        ObjectNode o = JSON.createObjectNode();
        o.put("step", t.index());
        o.put("token", t.token());
        o.put("text", t.text());
        ArrayNode top = o.putArray("top");
        for (TokenLogprob lp : t.logprobs().top()) {
            top.addArray().add(lp.token()).add(Math.exp(lp.logprob()));
        }
        return o.toString();
    }

    private static void report(LoadedModel loaded, String backend, double loadSeconds, FinishEvent f) {
        var t = f.timings();
        int promptTokens = f.usage().promptTokens();
        int generated = f.usage().generatedTokens();
        double ttft = t.timeToFirstTokenNanos() / 1e9;
        double decode = (t.finishNanos() - t.firstTokenNanos()) / 1e9;
        System.err.printf(Locale.ROOT, "model %s (%s, %s), loaded in %.2f s, %s backend, %d threads%n", loaded.name(),
                loaded.quant(), loaded.path().getFileName(), loadSeconds, backend, Parallel.threads());
        System.err.printf(Locale.ROOT, "prompt: %d tokens in %.3f s (%.1f tokens/s)%n", promptTokens, ttft,
                ttft > 0 ? promptTokens / ttft : 0);
        System.err.printf(Locale.ROOT, "generation: %d tokens in %.3f s (%.1f tokens/s), finish reason %s%s%n", generated,
                decode, generated > 1 && decode > 0 ? (generated - 1) / decode : 0, f.reason().name().toLowerCase(Locale.ROOT),
                f.message() == null ? "" : ": " + f.message());
    }
}
