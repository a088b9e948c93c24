package dev.gauntlet.engine.scheduler;

/** Observes every engine step (on the engine thread; must be quick). */
@FunctionalInterface
public interface StepListener {

    void onStep(StepStats stats);
}
