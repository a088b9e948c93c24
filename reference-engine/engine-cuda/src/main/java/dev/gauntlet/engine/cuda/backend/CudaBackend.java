package dev.gauntlet.engine.cuda.backend;

import dev.gauntlet.engine.backend.BackendUnavailableException;
import dev.gauntlet.engine.backend.ComputeBackend;
import dev.gauntlet.engine.backend.PlacedModel;
import dev.gauntlet.engine.cuda.driver.CudaDevice;
import dev.gauntlet.engine.cuda.driver.CudaException;
import dev.gauntlet.engine.cuda.model.CudaForwardModel;
import dev.gauntlet.engine.model.LoadedModel;
import java.util.Optional;

/**
 * {@code --backend cuda}: the forward pass on CUDA device 0 ({@link CudaForwardModel}), found by
 * {@link java.util.ServiceLoader} through engine-core's {@link ComputeBackend}. Touches no CUDA
 * class until asked, so that having this module on a class path costs nothing where no GPU is.
 */
public final class CudaBackend implements ComputeBackend {
    /** The {@code --backend} value. */
    public static final String NAME = "cuda";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<String> unavailableReason() {
        return CudaDevice.unavailableReason().map(CudaBackend::noDevice);
    }

    /**
     * Uploads the loaded weights (in the types they were loaded in: F16, Q8_0 or Q4_0) to device 0.
     *
     * @throws BackendUnavailableException when no device opens
     * @throws dev.gauntlet.engine.cuda.driver.DeviceMemoryException when the weights do not fit
     */
    @Override
    public PlacedModel place(LoadedModel loaded) {
        CudaDevice device;
        try {
            device = CudaDevice.open(0);
        } catch (CudaException e) {
            throw new BackendUnavailableException("--backend " + NAME + ": " + noDevice(e.getMessage()), e);
        }
        try {
            var model = CudaForwardModel.upload(device, loaded.model().config(), loaded.model().weights());
            return new CudaPlacedModel(device, model);
        } catch (RuntimeException e) {
            device.close();
            throw e;
        }
    }

    private static String noDevice(String why) {
        return "no usable CUDA device: " + why;
    }
}
