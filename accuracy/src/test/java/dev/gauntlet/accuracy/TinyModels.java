package dev.gauntlet.accuracy;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.synth.ModelShape;
import dev.gauntlet.engine.synth.SyntheticModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The synthetic model and text the end-to-end tests run on. */
public final class TinyModels {
    private TinyModels() {
    }

    /** The {@code tiny} synthetic shape (2 blocks of width 128, 1024 tokens), F32, seed 11. */
    public static Path write(Path dir) throws IOException {
        Path model = dir.resolve("tiny.gguf");
        SyntheticModel.write(ModelShape.TINY, GgmlType.F32, 11, model);
        return model;
    }

    /** The bundled Genesis text as a held-out file. */
    public static Path text(Path dir) throws IOException {
        return Files.writeString(dir.resolve("heldout.txt"), SyntheticModel.bundledText(), StandardCharsets.UTF_8);
    }
}
