package dev.gauntlet.engine.cuda.backend;

import dev.gauntlet.engine.backend.BackendUnavailableException;
import dev.gauntlet.engine.backend.ComputeBackend;
import dev.gauntlet.engine.backend.PlacedModel;
import dev.gauntlet.engine.cuda.driver.CudaDevice;
import dev.gauntlet.engine.cuda.driver.CudaException;
import dev.gauntlet.engine.cuda.model.CudaForwardModel;
import dev.gauntlet.engine.cuda.parallel.TensorParallelPlan;
import dev.gauntlet.engine.model.LoadedModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code --backend cuda}: the forward pass on CUDA device 0, or with {@code --tp N} split over
 * devices 0 to N-1 ({@link CudaForwardModel}), found by
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
     * Uploads the loaded weights (in the types they were loaded in: F16, Q8_0 or Q4_0) to device 0,
     * or split over devices 0 to {@code tensorParallel - 1}.
     *
     * @throws BackendUnavailableException when no device opens, or fewer than {@code tensorParallel}
     * @throws IllegalArgumentException when the model does not split over that many devices
     * @throws dev.gauntlet.engine.cuda.driver.DeviceMemoryException when the weights do not fit
     */
    @Override
    public PlacedModel place(LoadedModel loaded, int tensorParallel) {
        // Checked before any device opens: a bad --tp names itself, not a device count.
        new TensorParallelPlan(loaded.model().config(), tensorParallel);
        List<CudaDevice> devices = new ArrayList<>();
        try {
            int found = CudaDevice.count();
            if (found < tensorParallel) {
                throw new BackendUnavailableException("--tp " + tensorParallel + " needs " + tensorParallel
                        + " CUDA devices, found " + found);
            }
            for (int d = 0; d < tensorParallel; d++) {
                devices.add(CudaDevice.open(d));
            }
        } catch (CudaException e) {
            devices.forEach(CudaDevice::close);
            throw new BackendUnavailableException("--backend " + NAME + ": " + noDevice(e.getMessage()), e);
        } catch (RuntimeException e) {
            devices.forEach(CudaDevice::close);
            throw e;
        }
        try {
            var model = CudaForwardModel.upload(devices, loaded.model().config(), loaded.model().weights());
            return new CudaPlacedModel(devices, model);
        } catch (RuntimeException e) {
            devices.forEach(CudaDevice::close);
            throw e;
        }
    }

    private static String noDevice(String why) {
        return "no usable CUDA device: " + why;
    }
}
