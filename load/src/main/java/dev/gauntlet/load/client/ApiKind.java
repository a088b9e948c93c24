package dev.gauntlet.load.client;

import java.util.Locale;

/** Which OpenAI endpoint a campaign drives. */
public enum ApiKind {
    /** {@code /v1/completions}: a prompt string or token ids; chunks carry {@code choices[].text}. */
    COMPLETIONS("/v1/completions"),
    /** {@code /v1/chat/completions}: one user message; chunks carry {@code choices[].delta.content}. */
    CHAT("/v1/chat/completions");

    private final String path;

    ApiKind(String path) {
        this.path = path;
    }

    /** The endpoint's path below the base URL. */
    public String path() {
        return path;
    }

    /** {@code completions} or {@code chat}. */
    public static ApiKind named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "completions" -> COMPLETIONS;
            case "chat" -> CHAT;
            default -> throw new IllegalArgumentException("unknown API '" + name + "' (completions, chat)");
        };
    }
}
