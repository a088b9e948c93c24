package dev.gauntlet.cli;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Java child processes of the CLI (servers, JMH): the same {@code java} as this JVM, with the
 * flags the engine needs, and the jars built in this checkout.
 */
final class ChildJvm {
    private ChildJvm() {
    }

    /** {@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED} with this JVM's binary. */
    static List<String> java() {
        String binary = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return new ArrayList<>(List.of(binary, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"));
    }

    /**
     * A path in this checkout: the CLI runs from {@code cli/target/gauntlet.jar} (or
     * {@code cli/target/classes}), three levels below the root.
     */
    static Path inCheckout(String relative) {
        try {
            Path here = Path.of(ChildJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return here.getParent().getParent().getParent().resolve(relative);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the CLI's own jar", e);
        }
    }
}
