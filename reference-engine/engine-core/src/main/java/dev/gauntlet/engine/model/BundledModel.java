package dev.gauntlet.engine.model;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The reference model that ships in the repository ({@code accuracy/model/kjv.gguf}, a small Llama
 * trained on the King James Bible) and its held-out text: the default model of every command.
 *
 * <p>Files are found under the {@code gauntlet.home} system property (the {@code ./gauntlet}
 * launcher sets it to the checkout), else in the working directory or one of its parents, so
 * tests and commands run from any module folder find them.
 */
public final class BundledModel {
    /** The model file, relative to the checkout. */
    public static final String MODEL = "accuracy/model/kjv.gguf";
    /** The held-out text the model was not trained on, relative to the checkout. */
    public static final String HELD_OUT_TEXT = "accuracy/model/heldout.txt";

    private BundledModel() {
    }

    /** The bundled model file. */
    public static Path model() throws NoSuchFileException {
        return locate(MODEL);
    }

    /** The bundled held-out text. */
    public static Path heldOutText() throws NoSuchFileException {
        return locate(HELD_OUT_TEXT);
    }

    /**
     * A file of the checkout, by its path relative to the checkout's root.
     *
     * @throws NoSuchFileException naming the file when no checkout holds it
     */
    public static Path locate(String relative) throws NoSuchFileException {
        String home = System.getProperty("gauntlet.home");
        if (home != null) {
            Path p = Path.of(home).resolve(relative);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve(relative);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new NoSuchFileException(relative + " (not found in the Gauntlet checkout: run from it or set -Dgauntlet.home)");
    }
}
