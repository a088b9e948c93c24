package dev.gauntlet.engine.backend;

import dev.gauntlet.engine.model.LoadedModel;
import java.util.Optional;

/**
 * Where a loaded model's forward pass runs: the CPU (built in) or an accelerator whose module
 * registers an implementation with {@link java.util.ServiceLoader} (the CUDA backend does). Callers
 * pick one by name through {@link ComputeBackends#named}, so that neither the server, the CLI nor the
 * accuracy suite compiles against a GPU module.
 */
public interface ComputeBackend {

    /** The name users pass as {@code --backend} ({@code cpu}, {@code cuda}). */
    String name();

    /**
     * Why this backend cannot run here (no driver, no device), or empty when it can. Cheap enough to
     * call before loading a model, so that a bad choice fails before any weight is read.
     */
    Optional<String> unavailableReason();

    /**
     * Puts {@code loaded}'s weights where this backend computes (a copy on the device, or the
     * loaded model itself on the CPU). The result must be closed; {@code loaded} stays the
     * caller's to close, after it.
     *
     * @throws BackendUnavailableException when the backend cannot run here
     * @throws IllegalArgumentException when the backend cannot run this model (a weight type or shape it lacks kernels for)
     */
    default PlacedModel place(LoadedModel loaded) {
        return place(loaded, 1);
    }

    /**
     * As {@link #place(LoadedModel)}, split over {@code tensorParallel} devices ({@code --tp}).
     *
     * @throws BackendUnavailableException when the backend cannot run here, or has fewer devices
     * @throws IllegalArgumentException when the backend cannot split, or the model does not split
     *     over that many devices (the message names the dimension)
     */
    PlacedModel place(LoadedModel loaded, int tensorParallel);
}
