package dev.gauntlet.accuracy.backend;

import dev.gauntlet.engine.model.ForwardModel;

/**
 * One way of running the model under test: the CPU engine at some precision today; a GPU backend
 * or tensor parallelism later. Every comparison (teacher-forced logits, greedy generations) takes
 * a reference backend and candidate backends, so a new kind of pair needs only a new backend.
 */
public interface Backend extends AutoCloseable {

    /** A short name for tables and results ({@code f32}, {@code q4_0}, later {@code cuda}, {@code tp2}). */
    String label();

    /** The forward pass; all backends of a comparison must share the vocabulary. */
    ForwardModel model();

    /** Releases what the backend holds (mapped files, device memory). */
    @Override
    void close();
}
