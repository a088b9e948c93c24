package dev.gauntlet.accuracy.backend;

import dev.gauntlet.engine.backend.ComputeBackend;
import dev.gauntlet.engine.backend.ComputeBackends;
import dev.gauntlet.engine.backend.PlacedModel;
import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.model.ForwardModel;
import dev.gauntlet.engine.model.LoadedModel;
import dev.gauntlet.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The reference engine with every weight matrix converted to one precision at load, its forward
 * pass on a {@link ComputeBackend}: the CPU, or a GPU found at run time ({@code cuda}), so that
 * CPU-against-GPU comparisons go through the same evaluators as precision against precision.
 */
public final class EngineBackend implements Backend {
    private final LoadedModel loaded;
    private final PlacedModel placed;
    private final GgmlType precision;
    private final int tensorParallel;

    private EngineBackend(LoadedModel loaded, PlacedModel placed, GgmlType precision, int tensorParallel) {
        this.loaded = loaded;
        this.placed = placed;
        this.precision = precision;
        this.tensorParallel = tensorParallel;
    }

    /** Loads {@code model} converting its matrices to {@code precision} ({@code --quant}), on the CPU. */
    public static EngineBackend load(Path model, GgmlType precision) throws IOException {
        return load(model, precision, ComputeBackends.named(ComputeBackends.CPU), 1);
    }

    /**
     * Loads {@code model} converting its matrices to {@code precision} and places it on {@code compute},
     * split over {@code tensorParallel} devices.
     *
     * @throws dev.gauntlet.engine.backend.BackendUnavailableException when {@code compute} cannot run here
     */
    public static EngineBackend load(Path model, GgmlType precision, ComputeBackend compute, int tensorParallel)
            throws IOException {
        LoadedModel loaded = LoadedModel.load(model, Optional.of(precision));
        try {
            return new EngineBackend(loaded, compute.place(loaded, tensorParallel), precision, tensorParallel);
        } catch (RuntimeException e) {
            loaded.close();
            throw e;
        }
    }

    /**
     * The precision's name in lower case ({@code f32}, {@code q8_0}, ...), after the backend's name
     * and a colon off the CPU ({@code cuda:q8_0}), and the device count when split ({@code cuda-tp2:q8_0}).
     */
    @Override
    public String label() {
        String type = precision.name().toLowerCase(Locale.ROOT);
        String where = placed.backend() + (tensorParallel > 1 ? "-tp" + tensorParallel : "");
        return placed.backend().equals(ComputeBackends.CPU) ? type : where + ":" + type;
    }

    /** The precision the matrices run in. */
    public GgmlType precision() {
        return precision;
    }

    @Override
    public ForwardModel model() {
        return placed.model();
    }

    /** The model file's tokenizer. */
    public Tokenizer tokenizer() {
        return loaded.tokenizer();
    }

    /** The model's display name ({@code general.name}). */
    public String name() {
        return loaded.name();
    }

    @Override
    public void close() {
        placed.close();
        loaded.close();
    }
}
