package dev.gauntlet.engine.backend;

/** A backend was asked for where it cannot run (no such module, driver or device); the message says which and why. */
public final class BackendUnavailableException extends RuntimeException {
    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
