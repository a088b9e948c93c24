package dev.gauntlet.engine.gguf;

/** A GGUF file that is truncated, corrupted, or uses a feature this engine does not support. */
public class GgufFormatException extends RuntimeException {
    public GgufFormatException(String message) {
        super(message);
    }
}
