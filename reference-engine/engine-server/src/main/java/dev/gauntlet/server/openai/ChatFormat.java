package dev.gauntlet.server.openai;

import dev.gauntlet.engine.sampling.TokenLogprobs;
import dev.gauntlet.engine.scheduler.FinishEvent;
import dev.gauntlet.engine.scheduler.PromptLogprobsEvent;
import dev.gauntlet.engine.scheduler.TokenEvent;
import dev.gauntlet.server.api.ChatCompletionChunk;
import dev.gauntlet.server.api.ChatCompletionResponse;
import dev.gauntlet.server.api.ChatLogprobs;
import dev.gauntlet.server.api.Timings;
import dev.gauntlet.server.api.Usage;
import dev.gauntlet.server.generation.GenerationResult;
import java.util.List;

/**
 * Replies of {@code /v1/chat/completions}: a {@code chat.completion} whole, or
 * {@code chat.completion.chunk}s whose first carries the assistant role.
 */
final class ChatFormat implements ReplyFormat {
    private static final String ROLE = "assistant";

    private final ReplyIdentity identity;
    private final TokenText tokenText;
    private final boolean logprobs;

    ChatFormat(ReplyIdentity identity, TokenText tokenText, boolean logprobs) {
        this.identity = identity;
        this.tokenText = tokenText;
        this.logprobs = logprobs;
    }

    @Override
    public Object complete(GenerationResult r) {
        ChatLogprobs lp = logprobs ? new ChatLogprobs(r.tokens().stream().map(t -> entry(t.logprobs())).toList()) : null;
        var choice = new ChatCompletionResponse.Choice(0, new ChatCompletionResponse.AssistantMessage(ROLE, r.text()),
                lp, Replies.finishReason(r.finish().reason()));
        return new ChatCompletionResponse(identity.id(), "chat.completion", identity.created(), identity.model(),
                List.of(choice), Replies.usage(r.finish(), null));
    }

    @Override
    public List<Object> opening() {
        return List.of(chunk(new ChatCompletionChunk.Delta(ROLE, ""), null, null));
    }

    @Override
    public Object promptChunk(PromptLogprobsEvent event) {
        return null;
    }

    @Override
    public Object tokenChunk(TokenEvent event) {
        if (!logprobs && event.text().isEmpty()) {
            return null;
        }
        ChatLogprobs lp = logprobs ? new ChatLogprobs(List.of(entry(event.logprobs()))) : null;
        return chunk(new ChatCompletionChunk.Delta(null, event.text()), lp, null);
    }

    @Override
    public Object finishChunk(FinishEvent event) {
        return chunk(new ChatCompletionChunk.Delta(null, null), null, Replies.finishReason(event.reason()));
    }

    @Override
    public Object usageChunk(FinishEvent event, Timings timings) {
        return chunk(List.of(), Replies.usage(event, timings));
    }

    private ChatCompletionChunk chunk(ChatCompletionChunk.Delta delta, ChatLogprobs lp, String finishReason) {
        return chunk(List.of(new ChatCompletionChunk.Choice(0, delta, lp, finishReason)), null);
    }

    private ChatCompletionChunk chunk(List<ChatCompletionChunk.Choice> choices, Usage usage) {
        return new ChatCompletionChunk(identity.id(), "chat.completion.chunk", identity.created(), identity.model(),
                choices, usage);
    }

    private ChatLogprobs.TokenEntry entry(TokenLogprobs lp) {
        var top = lp.top().stream()
                .map(a -> new ChatLogprobs.Alternative(tokenText.text(a.token()), a.logprob(), tokenText.bytes(a.token())))
                .toList();
        return new ChatLogprobs.TokenEntry(tokenText.text(lp.token()), lp.logprob(), tokenText.bytes(lp.token()), top);
    }
}
