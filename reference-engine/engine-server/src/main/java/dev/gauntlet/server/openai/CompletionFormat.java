package dev.gauntlet.server.openai;

import dev.gauntlet.engine.sampling.TokenLogprob;
import dev.gauntlet.engine.sampling.TokenLogprobs;
import dev.gauntlet.engine.scheduler.FinishEvent;
import dev.gauntlet.engine.scheduler.PromptLogprobsEvent;
import dev.gauntlet.engine.scheduler.TokenEvent;
import dev.gauntlet.server.api.CompletionChoice;
import dev.gauntlet.server.api.CompletionLogprobs;
import dev.gauntlet.server.api.CompletionResponse;
import dev.gauntlet.server.api.Timings;
import dev.gauntlet.server.api.Usage;
import dev.gauntlet.server.generation.GenerationResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replies of {@code /v1/completions}: {@code object: "text_completion"} for whole replies and
 * chunks alike, legacy logprobs (parallel lists), and the echoed prompt first when asked.
 */
final class CompletionFormat implements ReplyFormat {
    private static final String OBJECT = "text_completion";

    private final ReplyIdentity identity;
    private final TokenText tokenText;
    private final String echoText;
    private final int[] promptTokens;
    private final Integer logprobs;
    private int textOffset; // streamed: characters of token text sent so far

    /**
     * @param echoText the prompt text to return before the completion, or null without echo
     * @param logprobs alternatives per token, or null for no logprobs
     */
    CompletionFormat(ReplyIdentity identity, TokenText tokenText, String echoText, int[] promptTokens,
                     Integer logprobs) {
        this.identity = identity;
        this.tokenText = tokenText;
        this.echoText = echoText;
        this.promptTokens = promptTokens.clone();
        this.logprobs = logprobs;
    }

    @Override
    public Object complete(GenerationResult r) {
        LogprobsBuilder lp = logprobs == null ? null : new LogprobsBuilder();
        if (lp != null && echoText != null) {
            lp.addPrompt(r.promptLogprobs());
        }
        if (lp != null) {
            r.tokens().forEach(t -> lp.add(t.token(), t.logprobs()));
        }
        String text = (echoText == null ? "" : echoText) + r.text();
        CompletionChoice choice = new CompletionChoice(0, text, lp == null ? null : lp.build(),
                Replies.finishReason(r.finish().reason()));
        return response(List.of(choice), Replies.usage(r.finish(), null));
    }

    @Override
    public List<Object> opening() {
        // With logprobs the echo waits for the prompt's logprobs (promptChunk).
        return echoText != null && logprobs == null ? List.of(chunk(echoText, null, null)) : List.of();
    }

    @Override
    public Object promptChunk(PromptLogprobsEvent event) {
        if (echoText == null || logprobs == null) {
            return null;
        }
        LogprobsBuilder lp = new LogprobsBuilder();
        lp.addPrompt(event.logprobs());
        return chunk(echoText, lp.build(), null);
    }

    @Override
    public Object tokenChunk(TokenEvent event) {
        if (logprobs == null) {
            return event.text().isEmpty() ? null : chunk(event.text(), null, null);
        }
        LogprobsBuilder lp = new LogprobsBuilder();
        lp.add(event.token(), event.logprobs());
        return chunk(event.text(), lp.build(), null);
    }

    @Override
    public Object finishChunk(FinishEvent event) {
        return chunk("", null, Replies.finishReason(event.reason()));
    }

    @Override
    public Object usageChunk(FinishEvent event, Timings timings) {
        return response(List.of(), Replies.usage(event, timings));
    }

    private CompletionResponse chunk(String text, CompletionLogprobs lp, String finishReason) {
        return response(List.of(new CompletionChoice(0, text, lp, finishReason)), null);
    }

    private CompletionResponse response(List<CompletionChoice> choices, Usage usage) {
        return new CompletionResponse(identity.id(), OBJECT, identity.created(), identity.model(), choices, usage);
    }

    /** Accumulates the parallel lists; text offsets continue across the chunks of a stream. */
    private final class LogprobsBuilder {
        private final List<String> tokens = new ArrayList<>();
        private final List<Double> tokenLogprobs = new ArrayList<>();
        private final List<Map<String, Double>> top = new ArrayList<>();
        private final List<Integer> offsets = new ArrayList<>();

        /** The prompt's tokens: the first has no logprob (nothing precedes it). */
        void addPrompt(List<TokenLogprobs> promptLogprobs) {
            for (int i = 0; i < promptTokens.length; i++) {
                add(promptTokens[i], i == 0 || promptLogprobs == null ? null : promptLogprobs.get(i - 1));
            }
        }

        void add(int token, TokenLogprobs lp) {
            String text = tokenText.text(token);
            tokens.add(text);
            offsets.add(textOffset);
            textOffset += text.length();
            if (lp == null) {
                tokenLogprobs.add(null);
                top.add(null);
                return;
            }
            tokenLogprobs.add(lp.logprob());
            // The most likely alternatives, plus the chosen token when it is not among them (as vLLM does).
            Map<String, Double> alternatives = new LinkedHashMap<>();
            for (TokenLogprob alt : lp.top()) {
                alternatives.putIfAbsent(tokenText.text(alt.token()), alt.logprob());
            }
            alternatives.putIfAbsent(text, lp.logprob());
            top.add(alternatives);
        }

        CompletionLogprobs build() {
            return new CompletionLogprobs(tokens, tokenLogprobs, top, offsets);
        }
    }
}
