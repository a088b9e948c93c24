package dev.gauntlet.engine.tokenizer;

import java.util.List;
import java.util.Objects;

/**
 * Renders chat messages into a prompt, in the format the vocabulary suggests:
 * <ul>
 *   <li>{@link Style#LLAMA3} when the vocabulary has {@code <|start_header_id|>},
 *       {@code <|end_header_id|>} and {@code <|eot_id|>}: BOS text, then per message
 *       {@code <|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>};</li>
 *   <li>otherwise {@link Style#LLAMA2} for a SentencePiece vocabulary:
 *       {@code <s>[INST] <<SYS>>\nsystem\n<</SYS>>\n\nuser [/INST] assistant </s>}, repeated per turn;</li>
 *   <li>otherwise {@link Style#PLAIN}: {@code role: content\n} per message.</li>
 * </ul>
 * Message contents are stripped of surrounding whitespace, as the official Llama templates do.
 * Use {@link #encode} to tokenize: the LLAMA3 and LLAMA2 prompts carry their own BOS text (Llama-2
 * needs one per turn), so they are encoded without adding BOS and with special-token parsing, which
 * also means special-token text inside a message is read as that token.
 */
public final class ChatTemplate {
    /** The prompt formats. */
    public enum Style { LLAMA3, LLAMA2, PLAIN }

    /**
     * One chat message.
     *
     * @param role    e.g. {@code system}, {@code user}, {@code assistant}
     * @param content the text
     */
    public record Message(String role, String content) {
        /** Checks that neither part is null. */
        public Message {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(content, "content");
        }
    }

    private final Tokenizer tokenizer;
    private final Style style;

    private ChatTemplate(Tokenizer tokenizer, Style style) {
        this.tokenizer = tokenizer;
        this.style = style;
    }

    /** The template that fits a tokenizer's vocabulary (see the class description). */
    public static ChatTemplate forTokenizer(Tokenizer tokenizer) {
        Style style;
        if (tokenizer.idOf("<|start_header_id|>") >= 0 && tokenizer.idOf("<|end_header_id|>") >= 0
                && tokenizer.idOf("<|eot_id|>") >= 0) {
            style = Style.LLAMA3;
        } else if (tokenizer instanceof SentencePieceTokenizer) {
            style = Style.LLAMA2;
        } else {
            style = Style.PLAIN;
        }
        return new ChatTemplate(tokenizer, style);
    }

    /** The format in use. */
    public Style style() {
        return style;
    }

    /**
     * The prompt text for {@code messages}, followed by {@link #assistantOpener()} when
     * {@code openAssistantTurn} is set.
     */
    public String render(List<Message> messages, boolean openAssistantTurn) {
        StringBuilder out = new StringBuilder();
        switch (style) {
            case LLAMA3 -> {
                out.append(specialText(tokenizer.bos()));
                for (Message m : messages) {
                    out.append(header(m.role())).append(m.content().strip()).append("<|eot_id|>");
                }
            }
            case LLAMA2 -> renderLlama2(messages, out);
            case PLAIN -> messages.forEach(m -> out.append(m.role()).append(": ").append(m.content().strip()).append('\n'));
        }
        if (openAssistantTurn) {
            out.append(assistantOpener());
        }
        return out.toString();
    }

    /**
     * What starts the assistant's reply: its header for LLAMA3, {@code "assistant:"} for PLAIN, and
     * nothing for LLAMA2, whose prompt already ends with {@code [/INST]}.
     */
    public String assistantOpener() {
        return switch (style) {
            case LLAMA3 -> header("assistant");
            case LLAMA2 -> "";
            case PLAIN -> "assistant:";
        };
    }

    /** Renders with the assistant turn opened, and tokenizes as the style requires. */
    public int[] encode(List<Message> messages) {
        return tokenizer.encode(render(messages, true), style == Style.PLAIN, true);
    }

    private static String header(String role) {
        return "<|start_header_id|>" + role + "<|end_header_id|>\n\n";
    }

    private String specialText(int id) {
        return id >= 0 ? tokenizer.piece(id) : "";
    }

    /** A system message is folded into the next user turn; other roles count as user turns. */
    private void renderLlama2(List<Message> messages, StringBuilder out) {
        String system = null;
        for (Message m : messages) {
            String content = m.content().strip();
            switch (m.role()) {
                case "system" -> system = system == null ? content : system + "\n" + content;
                case "assistant" -> out.append(' ').append(content).append(' ').append(specialText(tokenizer.eos()));
                default -> {
                    out.append(specialText(tokenizer.bos())).append("[INST] ");
                    if (system != null) {
                        out.append("<<SYS>>\n").append(system).append("\n<</SYS>>\n\n");
                        system = null;
                    }
                    out.append(content).append(" [/INST]");
                }
            }
        }
        if (system != null) {
            out.append(specialText(tokenizer.bos())).append("[INST] <<SYS>>\n").append(system).append("\n<</SYS>>\n\n [/INST]");
        }
    }
}
