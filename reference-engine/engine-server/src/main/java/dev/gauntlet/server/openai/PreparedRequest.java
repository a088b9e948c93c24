package dev.gauntlet.server.openai;

import dev.gauntlet.engine.sampling.SamplingParams;

/**
 * A validated request, ready for the engine.
 *
 * @param prompt       prompt token ids
 * @param params       sampling parameters
 * @param promptParam  the request field holding the prompt, for errors about it
 * @param stream       reply with Server-Sent Events
 * @param includeUsage end the stream with a usage chunk
 * @param format       how to shape the reply
 */
public record PreparedRequest(int[] prompt, SamplingParams params, String promptParam, boolean stream,
                              boolean includeUsage, ReplyFormat format) {
}
