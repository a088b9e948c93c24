package dev.gauntlet.server.api;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The sampling and streaming fields that completions and chat completions requests share
 * (OpenAI's, plus vLLM's {@code top_k}, {@code min_tokens}, {@code ignore_eos}, {@code stop_token_ids}).
 * Null means "not given".
 */
public interface SamplingFields {
    String model();

    Double temperature();

    Double topP();

    Integer topK();

    Long seed();

    /** A string or a list of strings. */
    JsonNode stop();

    List<Integer> stopTokenIds();

    Integer n();

    Integer minTokens();

    Boolean ignoreEos();

    Boolean stream();

    StreamOptions streamOptions();
}
