package dev.gauntlet.server.openai;

import dev.gauntlet.engine.tokenizer.ChatTemplate;
import dev.gauntlet.server.api.ChatCompletionRequest;
import dev.gauntlet.server.api.ChatMessage;
import dev.gauntlet.server.errors.ApiException;
import dev.gauntlet.server.model.ModelService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Interprets {@code POST /v1/chat/completions} requests. */
public final class ChatEndpoint {
    private ChatEndpoint() {
    }

    /** Validates a request and renders its messages with the model's chat template. */
    public static PreparedRequest prepare(ChatCompletionRequest r, ModelService model, String requestId, long created) {
        ModelNames.require(r.model(), model.name());
        int[] prompt = model.chatTemplate().encode(messages(r.messages()));
        boolean logprobs = Boolean.TRUE.equals(r.logprobs());
        if (r.topLogprobs() != null && !logprobs) {
            throw ApiException.badRequest("top_logprobs", "top_logprobs requires logprobs to be true");
        }
        Map<String, String> names = new HashMap<>(Map.of("logprobs", "top_logprobs"));
        Integer maxTokens = r.maxTokens();
        if (r.maxCompletionTokens() != null) {
            maxTokens = r.maxCompletionTokens();
            names.put("max_tokens", "max_completion_tokens");
        }
        var params = SamplingMapper.toParams(r, maxTokens,
                logprobs ? (r.topLogprobs() == null ? 0 : r.topLogprobs()) : null, null, names);
        var identity = new ReplyIdentity("chatcmpl-" + requestId, created, model.name());
        var format = new ChatFormat(identity, new TokenText(model.tokenizer()), logprobs);
        return new PreparedRequest(prompt, params, "messages", Boolean.TRUE.equals(r.stream()),
                SamplingMapper.includeUsage(r), format);
    }

    private static List<ChatTemplate.Message> messages(List<ChatMessage> messages) {
        if (messages == null || messages.isEmpty()) {
            throw ApiException.badRequest("messages", "messages must be a non-empty list");
        }
        List<ChatTemplate.Message> out = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            if (m == null || m.role() == null || m.role().isBlank()) {
                throw ApiException.badRequest("messages[" + i + "].role", "every message needs a role");
            }
            out.add(new ChatTemplate.Message(m.role(), content(m, i)));
        }
        return out;
    }

    /** A string, or the concatenated text parts; only an assistant message may have none. */
    private static String content(ChatMessage m, int i) {
        JsonNode c = m.content();
        String param = "messages[" + i + "].content";
        if (c == null || c.isNull()) {
            if (m.role().equals("assistant")) {
                return "";
            }
            throw ApiException.badRequest(param, "a " + m.role() + " message needs content");
        }
        if (c.isString()) {
            return c.asString();
        }
        if (c.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : c) {
                if (!"text".equals(part.path("type").asString(null)) || !part.path("text").isString()) {
                    throw ApiException.badRequest(param, "only text content parts ({\"type\":\"text\",\"text\":...}) are supported");
                }
                text.append(part.get("text").asString());
            }
            return text.toString();
        }
        throw ApiException.badRequest(param, "content must be a string or an array of text parts");
    }
}
