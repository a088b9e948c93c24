package dev.gauntlet.engine.cuda.driver;

/** A CUDA driver call failed; the message names the call, what it was for and CUDA's error name. */
public class CudaException extends RuntimeException {

    public CudaException(String message) {
        super(message);
    }

    public CudaException(String message, Throwable cause) {
        super(message, cause);
    }
}
