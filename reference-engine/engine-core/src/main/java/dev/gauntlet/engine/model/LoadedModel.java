package dev.gauntlet.engine.model;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.gguf.GgufFile;
import dev.gauntlet.engine.tokenizer.Tokenizer;
import dev.gauntlet.engine.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A model file opened for inference: its forward pass, its tokenizer and a display name. Keeps
 * the file mapped until closed, because unconverted weights are read from the mapping.
 */
public final class LoadedModel implements AutoCloseable {
    private final GgufFile file;
    private final LlamaModel model;
    private final Tokenizer tokenizer;
    private final String name;

    private LoadedModel(GgufFile file, LlamaModel model, Tokenizer tokenizer, String name) {
        this.file = file;
        this.model = model;
        this.tokenizer = tokenizer;
        this.name = name;
    }

    /**
     * Opens a GGUF Llama model.
     *
     * @param quant when present, every weight matrix is converted to this type at load
     *              ({@code --quant}); otherwise weights run in their stored types
     */
    public static LoadedModel load(Path path, Optional<GgmlType> quant) throws IOException {
        GgufFile file = GgufFile.open(path);
        try {
            LlamaConfig config = LlamaConfig.fromGguf(file);
            Tokenizer tokenizer = Tokenizers.fromGguf(file);
            if (tokenizer.vocabSize() != config.vocab()) {
                throw new dev.gauntlet.engine.gguf.GgufFormatException(path.getFileName() + ": tokenizer has "
                        + tokenizer.vocabSize() + " tokens but the model " + config.vocab());
            }
            LlamaModel model = new LlamaModel(config, LlamaWeights.load(file, config, quant));
            String fileName = path.getFileName().toString().replaceFirst("\\.gguf$", "");
            return new LoadedModel(file, model, tokenizer, file.string("general.name", fileName));
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    public LlamaModel model() {
        return model;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** {@code general.name}, or the file name without {@code .gguf}. */
    public String name() {
        return name;
    }

    /** The type the weight matrices run in ({@code f32}, {@code q8_0}, ...). */
    public GgmlType quant() {
        return model.weights().matrixType();
    }

    public Path path() {
        return file.path();
    }

    @Override
    public void close() {
        file.close();
    }
}
