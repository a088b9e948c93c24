package dev.gauntlet.server.api;

import java.util.List;

/** {@code GET /v1/models}. */
public record ModelList(String object, List<ModelCard> data) {

    /**
     * One served model.
     *
     * @param maxModelLen context length (a vLLM extension)
     */
    public record ModelCard(String id, String object, long created, String ownedBy, int maxModelLen) {
    }
}
