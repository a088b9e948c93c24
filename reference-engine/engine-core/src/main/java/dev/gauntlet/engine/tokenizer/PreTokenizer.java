package dev.gauntlet.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into the pre-tokens that byte-level BPE merges within, by a regular expression
 * named by GGUF's {@code tokenizer.ggml.pre}.
 *
 * <p>{@code \s} means Unicode White_Space (as in llama.cpp), hence {@link Pattern#UNICODE_CHARACTER_CLASS}.
 * Contractions are spelled with explicit ASCII case classes rather than {@code (?i)}, because
 * Java's Unicode case folding would also let e.g. U+017F (long s) match {@code 's}.
 */
public enum PreTokenizer {
    /** Llama-3's pattern ({@code llama-bpe}): digits in groups of up to three, newlines kept apart. */
    LLAMA3("(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
            + "|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
            + "|\\s*[\\r\\n]+"
            + "|\\s+(?!\\S)"
            + "|\\s+"),
    /** GPT-2's original pattern ({@code default} or no {@code tokenizer.ggml.pre}). */
    GPT2("'s|'t|'re|'ve|'m|'ll|'d"
            + "| ?\\p{L}+"
            + "| ?\\p{N}+"
            + "| ?[^\\s\\p{L}\\p{N}]+"
            + "|\\s+(?!\\S)"
            + "|\\s+");

    private final Pattern pattern;

    PreTokenizer(String regex) {
        this.pattern = Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
    }

    /**
     * The pre-tokenizer for a {@code tokenizer.ggml.pre} value.
     *
     * @param pre the GGUF value, or {@code null} when the key is absent
     * @throws IllegalArgumentException for a pre-tokenizer this engine does not implement
     */
    public static PreTokenizer forName(String pre) {
        if (pre == null || pre.equals("default")) {
            return GPT2;
        }
        if (pre.equals("llama-bpe")) {
            return LLAMA3;
        }
        throw new IllegalArgumentException("unsupported tokenizer.ggml.pre \"" + pre
                + "\" (supported: llama-bpe, default)");
    }

    /**
     * Splits text into pre-tokens whose concatenation is the text. Both patterns match every
     * character; any gap would still be kept as its own piece so that no text is ever dropped.
     */
    public List<String> split(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        int end = 0;
        while (m.find()) {
            if (m.start() > end) {
                out.add(text.substring(end, m.start()));
            }
            out.add(m.group());
            end = m.end();
        }
        if (end < text.length()) {
            out.add(text.substring(end));
        }
        return out;
    }
}
