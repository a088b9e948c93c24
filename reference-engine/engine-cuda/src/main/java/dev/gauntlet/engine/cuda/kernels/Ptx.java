package dev.gauntlet.engine.cuda.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The committed PTX of {@code src/main/cuda}, one module per {@code .cu} file, built by
 * {@code build-ptx.sh} together with {@value #MANIFEST} (the SHA-256 of every CUDA source they
 * were built from).
 */
public final class Ptx {
    /** The modules, by source file name without {@code .cu}. */
    public static final List<String> MODULES = List.of("activations", "matmul", "attention", "model", "random", "parallel");
    /** Name of the source-hash manifest next to the PTX. */
    public static final String MANIFEST = "sources.sha256";

    private Ptx() {
    }

    /** The PTX text of {@code module}, NUL-terminated as {@code cuModuleLoadData} needs. */
    public static byte[] load(String module) {
        byte[] text = resource(module + ".ptx");
        return java.util.Arrays.copyOf(text, text.length + 1);
    }

    /** A resource next to this class, whole. */
    public static byte[] resource(String name) {
        try (InputStream in = Ptx.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("kernel resource " + name + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A resource next to this class as UTF-8 text. */
    public static String text(String name) {
        return new String(resource(name), StandardCharsets.UTF_8);
    }
}
