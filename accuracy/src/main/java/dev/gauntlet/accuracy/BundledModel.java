package dev.gauntlet.accuracy;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the bundled trained reference model and its held-out text live in a checkout: the single
 * place that names them (the CLI's defaults and the gate test both read these).
 */
public final class BundledModel {
    /** The model file, relative to the checkout root. */
    public static final String MODEL = "accuracy/model/kjv.gguf";
    /** The held-out text split it is evaluated on, relative to the checkout root. */
    public static final String HELDOUT_TEXT = "accuracy/model/heldout.txt";
    /** The gate file, relative to the checkout root. */
    public static final String GATES = "accuracy/gates.json";

    private BundledModel() {
    }

    /**
     * The checkout root: the first of {@code start} and its parents holding {@code accuracy/pom.xml}.
     *
     * @throws IllegalStateException when none does
     */
    public static Path checkoutRoot(Path start) {
        for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("accuracy/pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no Gauntlet checkout (a folder with accuracy/pom.xml) at or above " + start);
    }
}
