package dev.gauntlet.server.model;

import dev.gauntlet.engine.backend.ComputeBackend;
import dev.gauntlet.engine.backend.ComputeBackends;
import dev.gauntlet.engine.backend.PlacedModel;
import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.kv.PagedKvCache;
import dev.gauntlet.engine.model.LoadedModel;
import dev.gauntlet.engine.sampling.SamplingParams;
import dev.gauntlet.engine.scheduler.EngineConfig;
import dev.gauntlet.engine.scheduler.FinishEvent;
import dev.gauntlet.engine.scheduler.FinishReason;
import dev.gauntlet.engine.scheduler.GenerationRequest;
import dev.gauntlet.engine.scheduler.InferenceEngine;
import dev.gauntlet.engine.tokenizer.ChatTemplate;
import dev.gauntlet.engine.tokenizer.Tokenizer;
import dev.gauntlet.server.ServerSettings;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The served model: the loaded weights, its tokenizer and chat template, the running engine, and
 * whether it is ready. Ready means loaded and one warm-up request completed (the first forward
 * pass pays for JIT compilation and page faults, which no client should see as latency); it stops
 * being ready when a drain begins ({@link #beginDrain()}) or {@link #close()} does.
 */
public final class ModelService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelService.class);

    /** Where the model is in its life. */
    public enum State { WARMING_UP, READY, FAILED, DRAINING, STOPPED }

    private final LoadedModel loaded;
    private final PlacedModel placed;
    private final InferenceEngine engine;
    private final ChatTemplate chatTemplate;
    private final Instant loadedAt = Instant.now();
    private final long kvBlockBytes;
    private volatile State state = State.WARMING_UP; // written under this object's lock

    private ModelService(LoadedModel loaded, PlacedModel placed, InferenceEngine engine, long kvBlockBytes) {
        this.loaded = loaded;
        this.placed = placed;
        this.engine = engine;
        this.kvBlockBytes = kvBlockBytes;
        this.chatTemplate = ChatTemplate.forTokenizer(loaded.tokenizer());
    }

    /**
     * Loads the model named in {@code settings}, places it on the chosen backend and starts an
     * engine over it.
     *
     * @throws dev.gauntlet.engine.backend.BackendUnavailableException when the backend cannot run here
     *     (checked before the model file is read)
     */
    public static ModelService load(ServerSettings settings) throws IOException {
        ComputeBackend backend = ComputeBackends.available(settings.backend());
        Optional<GgmlType> quant = Optional.ofNullable(settings.quant()).map(GgmlType::parse);
        LoadedModel loaded = LoadedModel.load(settings.model(), quant);
        PlacedModel placed = null;
        try {
            placed = backend.place(loaded, settings.tensorParallel());
            var cache = placed.newKvCache(settings.kvSizing(), settings.kvBlockSize(), settings.maxTokensPerStep());
            var engine = new InferenceEngine(placed.model(), loaded.tokenizer(), cache,
                    new EngineConfig(settings.maxBatchSize(), settings.maxTokensPerStep()));
            LOG.info("loaded {} ({}, {} backend, {} KV blocks)", loaded.name(), loaded.quant(), placed.backend(),
                    cache.totalBlocks());
            return new ModelService(loaded, placed, engine,
                    PagedKvCache.bytesPerBlock(cache.layers(), cache.kvDim(), cache.blockSize()));
        } catch (RuntimeException e) {
            if (placed != null) {
                placed.close();
            }
            loaded.close();
            throw e;
        }
    }

    /** Runs one short greedy request and then reports ready; reports FAILED if it does not complete. */
    public void warmUp() {
        Tokenizer tok = loaded.tokenizer();
        int first = tok.bos() >= 0 ? tok.bos() : 0;
        try {
            FinishEvent f = engine.submit(GenerationRequest.of("warm-up", new int[] {first, first},
                    SamplingParams.builder().maxTokens(4).ignoreEos(true).build())).completion().join();
            if (f.reason() != FinishReason.LENGTH) {
                throw new IllegalStateException("warm-up ended with " + f.reason() + ": " + f.message());
            }
            if (advance(State.WARMING_UP, State.READY)) {
                LOG.info("warm-up done in {} ms; ready", f.timings().totalNanos() / 1_000_000);
            }
        } catch (RuntimeException e) {
            LOG.error("warm-up failed; the server stays unready", e);
            advance(State.WARMING_UP, State.FAILED);
        }
    }

    /**
     * Stops being ready for good, ahead of shutdown: {@code /ready} answers 503 {@code draining}
     * and new generations are refused, while those running go on. No effect once stopped.
     */
    public synchronized void beginDrain() {
        if (state != State.STOPPED) {
            state = State.DRAINING;
        }
    }

    /** Ready again after {@link #beginDrain()}, when the shutdown it announced was called off. */
    public void endDrain() {
        advance(State.DRAINING, State.READY);
    }

    // Atomic, so that a warm-up finishing during a drain cannot make the server ready again.
    private synchronized boolean advance(State from, State to) {
        if (state != from) {
            return false;
        }
        state = to;
        return true;
    }

    public State state() {
        return state;
    }

    public boolean isReady() {
        return state == State.READY;
    }

    public InferenceEngine engine() {
        return engine;
    }

    public Tokenizer tokenizer() {
        return loaded.tokenizer();
    }

    public ChatTemplate chatTemplate() {
        return chatTemplate;
    }

    /** The model's id in the API ({@code general.name} or the file name). */
    public String name() {
        return loaded.name();
    }

    /** The type the weights run in, lower case ({@code q8_0}). */
    public String quant() {
        return loaded.quant().name().toLowerCase(java.util.Locale.ROOT);
    }

    public int contextLength() {
        return loaded.model().config().contextLength();
    }

    /** Bytes one KV block takes (keys and values of every layer). */
    public long kvBlockBytes() {
        return kvBlockBytes;
    }

    /** Bytes the weights take where the forward pass reads them (host or device memory). */
    public long weightBytes() {
        return placed.weightBytes();
    }

    /** Where the forward pass runs: {@code cpu} or {@code cuda}. */
    public String backend() {
        return placed.backend();
    }

    /** When the model was loaded (the model list's {@code created}). */
    public Instant loadedAt() {
        return loadedAt;
    }

    /**
     * Stops being ready, ends every unfinished request, stops the engine, frees what the backend
     * holds (device memory included) and unmaps the file; idempotent.
     */
    @Override
    public synchronized void close() {
        if (state == State.STOPPED) {
            return;
        }
        state = State.STOPPED;
        engine.close();
        placed.close();
        loaded.close();
    }
}
