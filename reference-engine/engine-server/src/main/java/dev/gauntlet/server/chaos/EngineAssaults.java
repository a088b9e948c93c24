package dev.gauntlet.server.chaos;

import dev.gauntlet.engine.scheduler.EngineStats;
import dev.gauntlet.engine.scheduler.FaultInjector;
import dev.gauntlet.server.errors.ApiException;
import dev.gauntlet.server.model.ModelService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.stereotype.Component;

/**
 * Applies assaults through the engine's {@link FaultInjector}. A component, not a service, so
 * that Chaos Monkey's service watcher never assaults the switch that turns assaults off.
 */
@Component
public class EngineAssaults {
    // The hold-back is applied at the engine's next step boundary; a step is far shorter than this.
    private static final long HOLD_BACK_WAIT_SECONDS = 10;

    private final ModelService model;
    // Guarded by this. The injector keeps neither the share asked for nor (until the engine's next
    // stats snapshot) the blocks held, so both are kept from the hold-back's own answer.
    private double kvHoldBackShare;
    private int kvBlocksHeldBack;

    public EngineAssaults(ModelService model) {
        this.model = model;
    }

    /** Applies the fields present in {@code update}, waiting until a KV hold-back has taken effect. */
    public synchronized AssaultState apply(AssaultUpdate update) {
        FaultInjector faults = model.engine().faults();
        if (update.stepDelayMs() != null) {
            faults.slowSteps(update.stepDelayMs());
        }
        if (update.failNextSteps() != null) {
            faults.failNextSteps(update.failNextSteps());
        }
        if (update.kvHoldBackShare() != null) {
            holdBack(faults, update.kvHoldBackShare());
        }
        return state();
    }

    /** Turns every assault off, the KV hold-back included. */
    public synchronized AssaultState reset() {
        FaultInjector faults = model.engine().faults();
        faults.reset();
        holdBack(faults, 0);
        return state();
    }

    /** The assaults now. */
    public synchronized AssaultState state() {
        FaultInjector faults = model.engine().faults();
        EngineStats s = model.engine().stats();
        return new AssaultState(kvHoldBackShare, kvBlocksHeldBack, s.totalKvBlocks(), s.usedKvBlocks(),
                faults.slowStepMillis(), faults.pendingStepFailures());
    }

    private void holdBack(FaultInjector faults, double share) {
        try {
            kvBlocksHeldBack = faults.holdBackKv(share).get(HOLD_BACK_WAIT_SECONDS, TimeUnit.SECONDS);
            kvHoldBackShare = share;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.serverError("interrupted while applying the KV hold-back");
        } catch (ExecutionException | TimeoutException e) {
            throw ApiException.serverError("the engine did not apply the KV hold-back: " + e);
        }
    }
}
