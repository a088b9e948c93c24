package dev.gauntlet.server.openai;

import dev.gauntlet.engine.scheduler.FinishEvent;
import dev.gauntlet.engine.scheduler.FinishReason;
import dev.gauntlet.server.api.Timings;
import dev.gauntlet.server.api.Usage;

/** Pieces both endpoints' replies share. */
final class Replies {
    private Replies() {
    }

    /** OpenAI's {@code finish_reason} for the two outcomes that produce a reply. */
    static String finishReason(FinishReason reason) {
        return switch (reason) {
            case STOP -> "stop";
            case LENGTH -> "length";
            default -> throw new IllegalArgumentException("no reply for a request that ended with " + reason);
        };
    }

    /** Usage from the final event, with timings or without (null). */
    static Usage usage(FinishEvent f, Timings timings) {
        return new Usage(f.usage().promptTokens(), f.usage().generatedTokens(), f.usage().totalTokens(), timings);
    }
}
