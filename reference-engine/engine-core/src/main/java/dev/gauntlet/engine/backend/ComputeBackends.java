package dev.gauntlet.engine.backend;

import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** Finds a {@link ComputeBackend} by its {@code --backend} name. */
public final class ComputeBackends {
    /** The backend every build has. */
    public static final String CPU = CpuBackend.NAME;

    /** Backends this project ships outside engine-core, by name, with the module that provides each. */
    private static final Map<String, String> KNOWN_MODULES = Map.of("cuda", "engine-cuda");

    private ComputeBackends() {
    }

    /**
     * The backend called {@code name}.
     *
     * @throws IllegalArgumentException naming the value and the choices when no backend has that name
     * @throws BackendUnavailableException when it is one of this project's backends whose module is
     *     not on the class path
     */
    public static ComputeBackend named(String name) {
        String wanted = name == null ? CPU : name.strip().toLowerCase(Locale.ROOT);
        if (wanted.equals(CPU)) {
            return new CpuBackend();
        }
        TreeSet<String> names = new TreeSet<>(KNOWN_MODULES.keySet());
        names.add(CPU);
        for (ComputeBackend b : ServiceLoader.load(ComputeBackend.class)) {
            if (b.name().equals(wanted)) {
                return b;
            }
            names.add(b.name());
        }
        String module = KNOWN_MODULES.get(wanted);
        if (module != null) {
            throw new BackendUnavailableException("--backend " + wanted + ": its module (" + module
                    + ") is not on this program's class path");
        }
        throw new IllegalArgumentException("unknown --backend '" + name + "': expected one of " + String.join(", ", names));
    }

    /**
     * The backend called {@code name}, checked to run here.
     *
     * @throws BackendUnavailableException saying why it cannot (such as {@code --backend cuda: no usable CUDA device: ...})
     */
    public static ComputeBackend available(String name) {
        ComputeBackend backend = named(name);
        backend.unavailableReason().ifPresent(reason -> {
            throw new BackendUnavailableException("--backend " + backend.name() + ": " + reason);
        });
        return backend;
    }
}
