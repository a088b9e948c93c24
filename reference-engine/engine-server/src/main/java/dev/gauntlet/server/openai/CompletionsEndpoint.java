package dev.gauntlet.server.openai;

import dev.gauntlet.engine.tokenizer.Tokenizer;
import dev.gauntlet.server.api.CompletionRequest;
import dev.gauntlet.server.errors.ApiException;
import dev.gauntlet.server.model.ModelService;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Interprets {@code POST /v1/completions} requests. */
public final class CompletionsEndpoint {
    /** OpenAI's default {@code max_tokens} for completions. */
    private static final int DEFAULT_MAX_TOKENS = 16;

    private CompletionsEndpoint() {
    }

    /** Validates a request and tokenizes its prompt. */
    public static PreparedRequest prepare(CompletionRequest r, ModelService model, String requestId, long created) {
        ModelNames.require(r.model(), model.name());
        Tokenizer tok = model.tokenizer();
        JsonNode prompt = unwrapSingle(r.prompt());
        int[] tokens;
        String promptText;
        if (prompt != null && prompt.isString()) {
            promptText = prompt.asString();
            tokens = tok.encode(promptText, true, false);
        } else if (prompt != null && prompt.isArray()) {
            tokens = tokenIds(prompt, tok.vocabSize());
            promptText = tok.decode(tokens);
        } else {
            throw ApiException.badRequest("prompt", "prompt must be a string or an array of token ids");
        }
        boolean echo = Boolean.TRUE.equals(r.echo());
        Integer maxTokens = r.maxTokens() == null ? DEFAULT_MAX_TOKENS : r.maxTokens();
        var params = SamplingMapper.toParams(r, maxTokens, r.logprobs(), echo ? r.logprobs() : null,
                Map.of("prompt_logprobs", "logprobs"));
        var identity = new ReplyIdentity("cmpl-" + requestId, created, model.name());
        var format = new CompletionFormat(identity, new TokenText(tok), echo ? promptText : null, tokens, r.logprobs());
        return new PreparedRequest(tokens, params, "prompt", Boolean.TRUE.equals(r.stream()),
                SamplingMapper.includeUsage(r), format);
    }

    /** A one-element batch ({@code ["text"]} or {@code [[1,2,3]]}) is that element; larger batches are refused. */
    private static JsonNode unwrapSingle(JsonNode prompt) {
        if (prompt != null && prompt.isArray() && !prompt.isEmpty() && !prompt.get(0).isNumber()) {
            if (prompt.size() != 1) {
                throw ApiException.badRequest("prompt", "batched prompts are not supported; send one prompt per request");
            }
            return prompt.get(0);
        }
        return prompt;
    }

    /** Token ids, checked against the vocabulary here because the echo decodes them before the engine sees them. */
    private static int[] tokenIds(JsonNode array, int vocab) {
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode id = array.get(i);
            if (!id.isIntegralNumber() || !id.canConvertToInt()) {
                throw ApiException.badRequest("prompt", "prompt[" + i + "] is not a token id: " + id);
            }
            ids[i] = id.asInt();
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw ApiException.badRequest("prompt", "prompt[" + i + "] = " + ids[i]
                        + " is outside the vocabulary (0.." + (vocab - 1) + ")");
            }
        }
        return ids;
    }
}
