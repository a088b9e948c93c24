package dev.gauntlet.engine.scheduler;

/** Why a request ended (OpenAI's {@code finish_reason}, plus engine-side outcomes). */
public enum FinishReason {
    /** An end-of-generation token, a stop token id or a stop string. */
    STOP,
    /** {@code max_tokens} reached, or the context is full. */
    LENGTH,
    /** Cancelled by the caller, or the engine shut down. */
    CANCELLED,
    /** The forward pass (or an injected fault, or the listener) failed. */
    ERROR,
    /** Refused at run time; see {@link FinishEvent#message()} and {@link RejectionReason#KV_CACHE_EXHAUSTED}. */
    REJECTED
}
