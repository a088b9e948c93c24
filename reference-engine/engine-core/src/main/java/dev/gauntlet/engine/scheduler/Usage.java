package dev.gauntlet.engine.scheduler;

/** Token counts of a finished request (generated tokens include a final EOS / stop token). */
public record Usage(int promptTokens, int generatedTokens) {

    public int totalTokens() {
        return promptTokens + generatedTokens;
    }
}
