package dev.gauntlet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gauntlet.engine.backend.ComputeBackends;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The server's {@code --backend} and {@code --gpu-memory-utilization}: checked before Spring
 * starts, so a bad choice is one message and exit code 2, never a failed application context.
 */
class BackendOptionTest {

    private static Result run(String... args) {
        CommandLine cl = new CommandLine(new ServerMain());
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        return new Result(cl.execute(args), err.toString());
    }

    private record Result(int exit, String err) {
    }

    @Test
    void cudaWithoutAGpuSaysWhy() {
        assumeTrue(ComputeBackends.named("cuda").unavailableReason().isPresent(),
                "a CUDA device is present here: --backend cuda starts instead of failing");
        Result r = run("--model", "any.gguf", "--backend", "cuda");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().startsWith("--backend cuda: no usable CUDA device: "), r.err());
    }

    @Test
    void anUnknownBackendIsNamed() {
        Result r = run("--model", "any.gguf", "--backend", "tpu");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().startsWith("unknown --backend 'tpu': expected one of cpu, cuda"), r.err());
    }

    @Test
    void aGpuShareOutOfRangeIsNamed() {
        Result r = run("--model", "any.gguf", "--gpu-memory-utilization", "1.2");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().startsWith("--gpu-memory-utilization must be in (0, 1], got 1.2"), r.err());
    }
}
