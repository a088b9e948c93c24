package dev.gauntlet.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenizerChatTemplateTest {
    private static final List<ChatTemplate.Message> CHAT = List.of(
            new ChatTemplate.Message("system", "Be brief."),
            new ChatTemplate.Message("user", " Hi! "),
            new ChatTemplate.Message("assistant", "Hello."),
            new ChatTemplate.Message("user", "Bye"));

    @Test
    void llama3HeadersWhenTheVocabularyHasThem() {
        Tokenizer tok = TokenizerFixtures.trained().tokenizer();
        ChatTemplate t = ChatTemplate.forTokenizer(tok);
        assertEquals(ChatTemplate.Style.LLAMA3, t.style());
        assertEquals("<|begin_of_text|>"
                + "<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHi!<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nBye<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n", t.render(CHAT, true));
        int[] ids = t.encode(CHAT);
        assertEquals(tok.bos(), ids[0]);
        assertEquals(1, Arrays.stream(ids).filter(id -> id == tok.bos()).count(), "exactly one BOS");
        assertEquals(5, Arrays.stream(ids).filter(id -> id == tok.idOf("<|start_header_id|>")).count());
        assertEquals(t.render(CHAT, true), tok.decode(ids));
    }

    @Test
    void llama2InstructionsForSentencePiece() {
        Tokenizer tok = TokenizerFixtures.spm();
        ChatTemplate t = ChatTemplate.forTokenizer(tok);
        assertEquals(ChatTemplate.Style.LLAMA2, t.style());
        assertEquals("<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi! [/INST] Hello. </s><s>[INST] Bye [/INST]", t.render(CHAT, true));
        assertEquals("", t.assistantOpener());
        int[] ids = t.encode(CHAT);
        assertEquals(2, Arrays.stream(ids).filter(id -> id == tok.bos()).count());
        assertEquals(1, Arrays.stream(ids).filter(id -> id == tok.eos()).count());
    }

    @Test
    void plainFallbackForOtherVocabularies() {
        BpeVocabulary v = BpeTrainer.train(TokenizerFixtures.CORPUS, 300,
                new BpeTrainer.SpecialTokens(List.of("<bos>", "<eos>"), "<bos>", "<eos>", null));
        Tokenizer tok = v.tokenizer();
        ChatTemplate t = ChatTemplate.forTokenizer(tok);
        assertEquals(ChatTemplate.Style.PLAIN, t.style());
        String prompt = "system: Be brief.\nuser: Hi!\nassistant: Hello.\nuser: Bye\nassistant:";
        assertEquals(prompt, t.render(CHAT, true));
        int[] ids = t.encode(CHAT);
        assertEquals(tok.bos(), ids[0]);
        assertArrayEquals(tok.encode(prompt, false, true), Arrays.copyOfRange(ids, 1, ids.length));
    }
}
