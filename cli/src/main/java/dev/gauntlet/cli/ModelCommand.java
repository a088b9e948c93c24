package dev.gauntlet.cli;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.gguf.GgufFile;
import dev.gauntlet.engine.gguf.GgufValue;
import dev.gauntlet.engine.gguf.GgufWriter;
import dev.gauntlet.engine.model.LoadedModel;
import dev.gauntlet.engine.safetensors.SafetensorsFile;
import dev.gauntlet.engine.safetensors.SafetensorsToGguf;
import dev.gauntlet.engine.synth.ModelShape;
import dev.gauntlet.engine.synth.SyntheticModel;
import dev.gauntlet.engine.tokenizer.BpeTrainer;
import dev.gauntlet.engine.tokenizer.BpeVocabulary;
import dev.gauntlet.engine.tokenizer.Tokenizers;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gauntlet model ...}: model files. */
@Command(name = "model", description = "Model files: synthetic models, tokenizers, imports of trained weights.",
        mixinStandardHelpOptions = true, subcommands = {ModelCommand.Synth.class, ModelCommand.TrainTokenizer.class,
                ModelCommand.Tokenize.class, ModelCommand.Import.class})
final class ModelCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    private static void createParent(Path out) throws java.io.IOException {
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
    }

    /** {@code gauntlet model synth}: a Llama GGUF with seeded random weights and a real BPE tokenizer. */
    @Command(name = "synth", mixinStandardHelpOptions = true,
            description = "Write a GGUF Llama model with seeded random weights and a BPE tokenizer learned from bundled text.")
    static final class Synth implements Callable<Integer> {
        @ArgGroup(exclusive = true, multiplicity = "1")
        ShapeChoice shape;

        @Option(names = "--out", required = true, description = "Output GGUF file.")
        Path out;

        @Option(names = "--dtype", defaultValue = "f32", description = "Matrix type in the file: f32 or f16 (default: ${DEFAULT-VALUE}).")
        String dtype;

        @Option(names = "--seed", defaultValue = "42", description = "Weight seed (default: ${DEFAULT-VALUE}).")
        long seed;

        static final class ShapeChoice {
            @Option(names = "--shape", description = "tiny, small, 1b or 8b.")
            String named;

            @ArgGroup(exclusive = false)
            Explicit explicit;
        }

        static final class Explicit {
            @Option(names = "--layers", required = true) int layers;
            @Option(names = "--dim", required = true) int dim;
            @Option(names = "--ffn", required = true) int ffn;
            @Option(names = "--heads", required = true) int heads;
            @Option(names = "--kv-heads", required = true) int kvHeads;
            @Option(names = "--vocab", required = true) int vocab;
            @Option(names = "--context", defaultValue = "2048") int context;
        }

        @Override
        public Integer call() throws Exception {
            ModelShape s = shape.named != null ? ModelShape.named(shape.named)
                    : new ModelShape("custom", shape.explicit.layers, shape.explicit.dim, shape.explicit.ffn,
                            shape.explicit.heads, shape.explicit.kvHeads, shape.explicit.vocab, shape.explicit.context,
                            10000f, false);
            GgmlType type = GgmlType.parse(dtype);
            createParent(out);
            long start = System.nanoTime();
            SyntheticModel.write(s, type, seed, out);
            System.out.printf(Locale.ROOT, "wrote %s: shape %s, %,d parameters, %s, %.1f MB in %.1f s%n", out, s.name(),
                    s.parameters(), type, Files.size(out) / 1e6, (System.nanoTime() - start) / 1e9);
            return 0;
        }
    }

    /** {@code gauntlet model tokenizer}: learn a byte-level BPE vocabulary and write it as a tensor-less GGUF. */
    @Command(name = "tokenizer", mixinStandardHelpOptions = true,
            description = "Learn a byte-level BPE tokenizer (Llama-3 special tokens) from a text; write it as a GGUF without tensors.")
    static final class TrainTokenizer implements Callable<Integer> {
        @Option(names = "--text", required = true, description = "UTF-8 training text.")
        Path text;

        @Option(names = "--vocab", required = true, description = "Vocabulary size, special tokens included.")
        int vocab;

        @Option(names = "--out", required = true, description = "Output GGUF file.")
        Path out;

        @Override
        public Integer call() throws Exception {
            long start = System.nanoTime();
            BpeVocabulary v = BpeTrainer.train(Files.readString(text), vocab,
                    BpeTrainer.SpecialTokens.llama3());
            createParent(out);
            v.writeTo(new GgufWriter().put("general.name", GgufValue.ofString("gauntlet-bpe-" + vocab))).write(out);
            System.out.printf(Locale.ROOT, "wrote %s: %d tokens (%d merges) in %.1f s%n", out, v.size(),
                    v.merges().size(), (System.nanoTime() - start) / 1e9);
            return 0;
        }
    }

    /** {@code gauntlet model tokenize}: a text as little-endian int32 token ids, for training scripts. */
    @Command(name = "tokenize", mixinStandardHelpOptions = true,
            description = "Encode a UTF-8 text with a GGUF's tokenizer (no BOS) into little-endian int32 token ids.")
    static final class Tokenize implements Callable<Integer> {
        @Option(names = "--tokenizer", required = true, description = "GGUF file holding the tokenizer.")
        Path tokenizer;

        @Option(names = "--text", required = true, description = "UTF-8 text.")
        Path text;

        @Option(names = "--out", required = true, description = "Output file of int32 ids.")
        Path out;

        @Override
        public Integer call() throws Exception {
            int[] ids;
            try (GgufFile f = GgufFile.open(tokenizer)) {
                ids = Tokenizers.fromGguf(f).encode(Files.readString(text), false, false);
            }
            createParent(out);
            try (DataOutputStream o = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(out)))) {
                for (int id : ids) {
                    o.writeInt(Integer.reverseBytes(id));
                }
            }
            System.out.printf(Locale.ROOT, "wrote %s: %,d tokens%n", out, ids.length);
            return 0;
        }
    }

    /** {@code gauntlet model import}: trained safetensors weights plus a tokenizer GGUF into one model GGUF. */
    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Write a Llama GGUF from safetensors weights named as in GGUF (llama.* hyper-parameters in its metadata) and a tokenizer GGUF.")
    static final class Import implements Callable<Integer> {
        @Option(names = "--safetensors", required = true, description = "Weights file.")
        Path weights;

        @Option(names = "--tokenizer", required = true, description = "GGUF file holding the tokenizer (from 'model tokenizer').")
        Path tokenizer;

        @Option(names = "--dtype", defaultValue = "f16", description = "Matrix type in the file: f32 or f16 (default: ${DEFAULT-VALUE}).")
        String dtype;

        @Option(names = "--out", required = true, description = "Output GGUF file.")
        Path out;

        @Override
        public Integer call() throws Exception {
            Map<String, GgufValue> tokenizerMetadata = new LinkedHashMap<>();
            try (GgufFile f = GgufFile.open(tokenizer)) {
                f.metadata().forEach((k, v) -> {
                    if (k.startsWith("tokenizer.")) {
                        tokenizerMetadata.put(k, v);
                    }
                });
            }
            createParent(out);
            try (SafetensorsFile w = SafetensorsFile.open(weights)) {
                SafetensorsToGguf.convert(w, tokenizerMetadata, GgmlType.parse(dtype), out);
            }
            // Loading it back proves the file is a complete model, not just a well-formed GGUF.
            try (LoadedModel m = LoadedModel.load(out, Optional.empty())) {
                System.out.printf(Locale.ROOT, "wrote %s: %s, %.1f MB%n", out, m.model().config(), Files.size(out) / 1e6);
            }
            return 0;
        }
    }
}
