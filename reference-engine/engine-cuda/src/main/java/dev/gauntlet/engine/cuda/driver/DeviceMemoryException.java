package dev.gauntlet.engine.cuda.driver;

/**
 * Device memory could not be allocated. Thrown before anything is half-built, so a caller can
 * refuse to start or fail one request with this message instead of crashing.
 */
public final class DeviceMemoryException extends CudaException {

    public DeviceMemoryException(String message) {
        super(message);
    }
}
