package dev.gauntlet.engine.cuda.driver;

import static jcuda.driver.JCudaDriver.cuGraphDestroy;
import static jcuda.driver.JCudaDriver.cuGraphExecDestroy;
import static jcuda.driver.JCudaDriver.cuGraphInstantiate;
import static jcuda.driver.JCudaDriver.cuGraphLaunch;
import static jcuda.driver.JCudaDriver.cuStreamBeginCapture;
import static jcuda.driver.JCudaDriver.cuStreamEndCapture;

import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUstreamCaptureMode;

/**
 * Kernel launches captured once from a stream and replayed with one launch: the launches' host
 * cost (tens of microseconds each from Java) is paid at capture only. A replay reuses the
 * captured arguments, so whatever varies between replays must live in device memory the kernels
 * read (the step's metadata), at addresses fixed when captured.
 */
public final class CudaGraph implements AutoCloseable {
    private final CudaStream stream;
    private final CUgraph graph;
    private final CUgraphExec exec;
    private boolean closed;

    private CudaGraph(CudaStream stream, CUgraph graph, CUgraphExec exec) {
        this.stream = stream;
        this.graph = graph;
        this.exec = exec;
    }

    /** Captures what {@code launches} queues on {@code stream} (it runs nothing on the device). */
    public static CudaGraph capture(CudaStream stream, Runnable launches) {
        Cuda.check(cuStreamBeginCapture(stream.handle(), CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL),
                "cuStreamBeginCapture");
        CUgraph graph = new CUgraph();
        try {
            launches.run();
        } catch (RuntimeException e) {
            // End the capture so the stream is usable again, and drop the partial graph.
            if (cuStreamEndCapture(stream.handle(), graph) == jcuda.driver.CUresult.CUDA_SUCCESS) {
                cuGraphDestroy(graph);
            }
            throw e;
        }
        Cuda.check(cuStreamEndCapture(stream.handle(), graph), "cuStreamEndCapture");
        CUgraphExec exec = new CUgraphExec();
        int result = cuGraphInstantiate(exec, graph, 0);
        if (result != jcuda.driver.CUresult.CUDA_SUCCESS) {
            cuGraphDestroy(graph);
            Cuda.check(result, "cuGraphInstantiate");
        }
        return new CudaGraph(stream, graph, exec);
    }

    /** Queues one replay on the stream it was captured from. */
    public void launch() {
        if (closed) {
            throw new IllegalStateException("graph already destroyed");
        }
        Cuda.check(cuGraphLaunch(exec, stream.handle()), "cuGraphLaunch");
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Cuda.check(cuGraphExecDestroy(exec), "cuGraphExecDestroy");
            Cuda.check(cuGraphDestroy(graph), "cuGraphDestroy");
        }
    }
}
