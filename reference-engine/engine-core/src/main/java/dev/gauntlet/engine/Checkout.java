package dev.gauntlet.engine;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Files of the Gauntlet checkout (the bundled model, built jars), found under the
 * {@code gauntlet.home} system property (the {@code ./gauntlet} launcher sets it to the checkout),
 * else in the working directory or one of its parents, so tests and commands run from any module
 * folder find them.
 */
public final class Checkout {
    private Checkout() {
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
