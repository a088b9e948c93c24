package dev.gauntlet.engine.scheduler;

/** Why a request was refused instead of run. Counted per reason in {@link EngineStats}. */
public enum RejectionReason {
    /** The prompt has no tokens. */
    EMPTY_PROMPT,
    /** A prompt token id is outside the vocabulary. */
    INVALID_TOKEN,
    /** Prompt plus {@code max_tokens} do not fit in the model's context length. */
    CONTEXT_LENGTH_EXCEEDED,
    /** The request could never fit in the whole KV cache, so it can never run. */
    EXCEEDS_KV_CACHE,
    /**
     * At run time the sequence could not grow although no other sequence held KV blocks (the
     * usable cache shrank, e.g. under KV hold-back).
     */
    KV_CACHE_EXHAUSTED,
    /** The engine is shut down. */
    ENGINE_STOPPED
}
