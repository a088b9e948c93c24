package dev.gauntlet.engine.model;

import dev.gauntlet.engine.Checkout;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The reference model that ships in the repository ({@code accuracy/model/kjv.gguf}, a small Llama
 * trained on the King James Bible) and its held-out text: the default model of every command.
 *
 * <p>Both are found by {@link Checkout#locate}.
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
        return Checkout.locate(MODEL);
    }

    /** The bundled held-out text. */
    public static Path heldOutText() throws NoSuchFileException {
        return Checkout.locate(HELD_OUT_TEXT);
    }
}
