package dev.gauntlet.accuracy.backend;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.model.ForwardModel;
import dev.gauntlet.engine.model.LoadedModel;
import dev.gauntlet.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** The reference engine on the CPU, with every weight matrix converted to one precision at load. */
public final class EngineBackend implements Backend {
    private final LoadedModel loaded;
    private final GgmlType precision;

    private EngineBackend(LoadedModel loaded, GgmlType precision) {
        this.loaded = loaded;
        this.precision = precision;
    }

    /** Loads {@code model} converting its matrices to {@code precision} ({@code --quant}). */
    public static EngineBackend load(Path model, GgmlType precision) throws IOException {
        return new EngineBackend(LoadedModel.load(model, Optional.of(precision)), precision);
    }

    /** The precision's name in lower case ({@code f32}, {@code q8_0}, ...). */
    @Override
    public String label() {
        return precision.name().toLowerCase(Locale.ROOT);
    }

    /** The precision the matrices run in. */
    public GgmlType precision() {
        return precision;
    }

    @Override
    public ForwardModel model() {
        return loaded.model();
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
        loaded.close();
    }
}
