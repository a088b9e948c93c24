package dev.gauntlet.cli;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.synth.ModelShape;
import dev.gauntlet.engine.synth.SyntheticModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gauntlet model ...}: model files. */
@Command(name = "model", description = "Model files: write synthetic models.",
        mixinStandardHelpOptions = true, subcommands = ModelCommand.Synth.class)
final class ModelCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
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
            if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
            }
            long start = System.nanoTime();
            SyntheticModel.write(s, type, seed, out);
            System.out.printf(Locale.ROOT, "wrote %s: shape %s, %,d parameters, %s, %.1f MB in %.1f s%n", out, s.name(),
                    s.parameters(), type, Files.size(out) / 1e6, (System.nanoTime() - start) / 1e9);
            return 0;
        }
    }
}
