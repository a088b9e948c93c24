package dev.gauntlet.engine.cuda.model;

import dev.gauntlet.engine.cuda.driver.CudaDevice;
import dev.gauntlet.engine.cuda.driver.CudaStream;
import dev.gauntlet.engine.cuda.kernels.KernelLibrary;
import dev.gauntlet.engine.cuda.kernels.LlamaKernels;
import dev.gauntlet.engine.cuda.parallel.TensorParallelPlan;

/**
 * One tensor-parallel rank of a {@link CudaForwardModel}: its device, weights, step buffers, the
 * stream its kernels run on and its captured decode graphs. With one rank, the whole model.
 */
final class Rank implements AutoCloseable {
    final int index;
    final CudaDevice device;
    final DeviceWeights weights;
    final CudaStream stream;
    final LlamaKernels kernels;
    final StepBuffers buffers;
    final DecodeGraphs graphs;

    Rank(int index, CudaDevice device, KernelLibrary library, DeviceWeights weights, TensorParallelPlan plan) {
        this.index = index;
        this.device = device;
        this.weights = weights;
        this.stream = new CudaStream(device);
        this.graphs = new DecodeGraphs(stream);
        this.kernels = new LlamaKernels(library, stream);
        kernels.prepareAttention(plan.config().headDim(), plan.config().contextLength());
        this.buffers = new StepBuffers(device, plan, index);
    }

    /** Frees the rank's weights, buffers, graphs and stream. */
    @Override
    public void close() {
        device.makeCurrent();
        graphs.close();
        stream.close();
        buffers.close();
        weights.close();
    }
}
