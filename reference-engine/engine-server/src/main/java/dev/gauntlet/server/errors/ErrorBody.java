package dev.gauntlet.server.errors;

import com.fasterxml.jackson.annotation.JsonInclude;

/** OpenAI's error body. */
public record ErrorBody(Detail error) {

    /** The error; {@code param} and {@code code} are sent as null when absent, as OpenAI does. */
    public record Detail(String message, String type,
                         @JsonInclude(JsonInclude.Include.ALWAYS) String param,
                         @JsonInclude(JsonInclude.Include.ALWAYS) String code) {
    }
}
