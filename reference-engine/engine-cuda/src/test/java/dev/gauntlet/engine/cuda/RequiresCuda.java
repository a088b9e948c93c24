package dev.gauntlet.engine.cuda;

import dev.gauntlet.engine.cuda.driver.CudaDevice;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a GPU test class only where a CUDA device opens; elsewhere (CI has no GPU) its tests are
 * skipped, and the reason (no driver library, no device) is logged and shown as the skip reason.
 */
public final class RequiresCuda implements ExecutionCondition {
    private static final System.Logger LOG = System.getLogger(RequiresCuda.class.getName());
    private static Optional<String> unavailable;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<String> reason = reason();
        if (reason.isEmpty()) {
            return ConditionEvaluationResult.enabled("a CUDA device is present");
        }
        String message = "no CUDA device, GPU test skipped: " + reason.get();
        LOG.log(System.Logger.Level.WARNING, context.getDisplayName() + ": " + message);
        return ConditionEvaluationResult.disabled(message);
    }

    private static synchronized Optional<String> reason() {
        if (unavailable == null) {
            unavailable = CudaDevice.unavailableReason();
        }
        return unavailable;
    }
}
