package dev.gauntlet.server.openai;

import dev.gauntlet.server.errors.ApiException;

/** Checks a request's {@code model} field against the served model. */
final class ModelNames {
    private ModelNames() {
    }

    /** @throws ApiException 400 when missing, 404 when it names another model */
    static void require(String requested, String served) {
        if (requested == null || requested.isBlank()) {
            throw ApiException.badRequest("model", "model is required");
        }
        if (!requested.equals(served)) {
            throw ApiException.modelNotFound(requested, served);
        }
    }
}
