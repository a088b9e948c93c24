package dev.gauntlet.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * What SentencePiece and byte-level BPE tokenizers share: special-token splitting, BOS/EOS
 * handling, and decoding through per-token byte strings. Subclasses supply how raw text becomes
 * tokens and how a NORMAL piece becomes bytes.
 */
abstract sealed class VocabularyTokenizer implements Tokenizer permits SentencePieceTokenizer, BytePairTokenizer {

    /**
     * The vocabulary's special ids and flags.
     *
     * @param bos              BOS id or -1
     * @param eos              EOS id or -1
     * @param addBos           whether {@code encode(..., addBos=true, ...)} prepends BOS ({@code add_bos_token})
     * @param addEos           whether it also appends EOS ({@code add_eos_token})
     * @param endOfGeneration  ids that end generation
     */
    record Settings(int bos, int eos, boolean addBos, boolean addEos, BitSet endOfGeneration) {
    }

    final Vocabulary vocab;
    private final Settings settings;
    private final SpecialTokenSplitter splitter;
    private final byte[][] bytes;

    VocabularyTokenizer(Vocabulary vocab, Settings settings, Function<String, byte[]> normalPieceBytes) {
        this.vocab = vocab;
        this.settings = settings;
        this.splitter = new SpecialTokenSplitter(vocab);
        this.bytes = new byte[vocab.size()][];
        for (int id = 0; id < bytes.length; id++) {
            String piece = vocab.piece(id);
            bytes[id] = switch (vocab.type(id)) {
                case NORMAL -> normalPieceBytes.apply(piece);
                case BYTE -> byteTokenValue(piece);
                default -> piece.getBytes(StandardCharsets.UTF_8);
            };
        }
    }

    /** The byte of a {@code <0xNN>} piece; any other spelling decodes as its text. */
    private static byte[] byteTokenValue(String piece) {
        if (piece.length() == 6 && piece.startsWith("<0x") && piece.endsWith(">")) {
            try {
                return new byte[] {(byte) Integer.parseInt(piece.substring(3, 5), 16)};
            } catch (NumberFormatException e) {
                // fall through: not a byte spelling after all
            }
        }
        return piece.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Tokenizes one raw-text fragment (special tokens already split out).
     *
     * @param afterSpecial whether the fragment starts the text or follows a special token
     */
    abstract void encodeFragment(String text, boolean afterSpecial, IntStream.Builder out);

    /**
     * {@inheritDoc}
     *
     * <p>{@code addBos} is llama.cpp's {@code add_special}: it prepends BOS when the vocabulary's
     * {@code add_bos_token} is set (even if the text itself starts with BOS text), and appends EOS
     * when {@code add_eos_token} is set.
     */
    @Override
    public final int[] encode(String text, boolean addBos, boolean parseSpecial) {
        IntStream.Builder out = IntStream.builder();
        if (addBos && settings.addBos && settings.bos >= 0) {
            out.add(settings.bos);
        }
        boolean afterSpecial = true;
        for (SpecialTokenSplitter.Fragment f : splitter.split(text, parseSpecial)) {
            if (f.isToken()) {
                out.add(f.token());
                afterSpecial = true;
            } else {
                encodeFragment(f.text(), afterSpecial, out);
                afterSpecial = false;
            }
        }
        if (addBos && settings.addEos && settings.eos >= 0) {
            out.add(settings.eos);
        }
        return out.build().toArray();
    }

    @Override
    public final byte[] tokenBytes(int id) {
        return bytes[checkId(id)].clone();
    }

    @Override
    public final String decode(int[] ids) {
        int n = 0;
        for (int id : ids) {
            n += bytes[checkId(id)].length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (int id : ids) {
            System.arraycopy(bytes[id], 0, all, at, bytes[id].length);
            at += bytes[id].length;
        }
        return new String(all, StandardCharsets.UTF_8);
    }

    private int checkId(int id) {
        if (id < 0 || id >= bytes.length) {
            throw new IllegalArgumentException("token id " + id + " outside the vocabulary [0, " + bytes.length + ")");
        }
        return id;
    }

    @Override
    public final String piece(int id) {
        return vocab.piece(checkId(id));
    }

    @Override
    public final int idOf(String piece) {
        return vocab.id(piece);
    }

    @Override
    public final int vocabSize() {
        return vocab.size();
    }

    @Override
    public final int bos() {
        return settings.bos;
    }

    @Override
    public final int eos() {
        return settings.eos;
    }

    @Override
    public final boolean isEndOfGeneration(int id) {
        return id >= 0 && settings.endOfGeneration.get(id);
    }

    /** The vocabulary behind this tokenizer. */
    public final Vocabulary vocabulary() {
        return vocab;
    }
}
