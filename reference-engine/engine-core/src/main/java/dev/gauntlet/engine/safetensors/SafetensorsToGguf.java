package dev.gauntlet.engine.safetensors;

import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.gguf.GgufValue;
import dev.gauntlet.engine.gguf.GgufWriter;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes a GGUF model from safetensors weights that already use GGUF tensor names
 * ({@code token_embd.weight}, {@code blk.N.attn_q.weight}, ...) and a tokenizer's
 * {@code tokenizer.ggml.*} metadata.
 *
 * <p>The safetensors {@code __metadata__} entries named {@code general.*}, {@code llama.*} or
 * {@code gauntlet.*} become
 * GGUF metadata: integers as UINT32, other numbers as FLOAT32, the rest as strings (safetensors
 * metadata holds strings only, so the type is read off the text). Matrices are written in the
 * requested type; vectors (norm weights) stay F32, as llama.cpp keeps them.
 */
public final class SafetensorsToGguf {
    private static final Pattern INTEGER = Pattern.compile("\\d+");
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d*)?([eE][-+]?\\d+)?");
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private SafetensorsToGguf() {
    }

    /**
     * Converts {@code weights} to a GGUF at {@code out}.
     *
     * @param matrixType F32 or F16 (quantize later at load with {@code --quant})
     * @throws IllegalArgumentException when the vocabulary sizes disagree or a tensor is neither 1-D nor 2-D
     */
    public static void convert(SafetensorsFile weights, Map<String, GgufValue> tokenizer, GgmlType matrixType,
                               Path out) throws IOException {
        if (matrixType != GgmlType.F32 && matrixType != GgmlType.F16) {
            throw new IllegalArgumentException("--dtype must be f32 or f16, got " + matrixType);
        }
        GgufWriter w = new GgufWriter()
                .put("general.architecture", GgufValue.ofString("llama"))
                .put("general.file_type", GgufValue.ofUint32(matrixType == GgmlType.F32 ? 0 : 1));
        weights.metadata().forEach((key, text) -> {
            if (key.startsWith("general.") || key.startsWith("llama.") || key.startsWith("gauntlet.")) {
                w.put(key, typed(text));
            }
        });
        GgufValue tokens = tokenizer.get("tokenizer.ggml.tokens");
        if (tokens == null) {
            throw new IllegalArgumentException("the tokenizer metadata has no tokenizer.ggml.tokens");
        }
        int vocab = java.lang.reflect.Array.getLength(tokens.value());
        String declared = weights.metadata().get("llama.vocab_size");
        if (declared != null && Integer.parseInt(declared) != vocab) {
            throw new IllegalArgumentException(weights.path() + " declares llama.vocab_size " + declared
                    + " but the tokenizer has " + vocab + " tokens");
        }
        w.put("llama.vocab_size", GgufValue.ofUint32(vocab));
        w.putAll(tokenizer);
        for (SafetensorsFile.Tensor t : weights.tensors().values()) {
            long[] shape = t.shape();
            if (shape.length == 1) {
                w.tensor(t.name(), new long[] {shape[0]}, weights.floats(t.name()));
            } else if (shape.length == 2) {
                // safetensors is [rows, cols] row-major; GGUF lists dimensions fastest first.
                long[] dims = {shape[1], shape[0]};
                if (matrixType == GgmlType.F32) {
                    w.tensor(t.name(), dims, weights.floats(t.name()));
                } else {
                    w.tensor(t.name(), GgmlType.F16, dims, () -> toF16(weights.floats(t.name())));
                }
            } else {
                throw new IllegalArgumentException(weights.path() + ": tensor '" + t.name() + "' has "
                        + shape.length + " dimensions; a Llama GGUF holds only vectors and matrices");
            }
        }
        w.write(out);
    }

    private static GgufValue typed(String text) {
        if (INTEGER.matcher(text).matches()) {
            return GgufValue.ofUint32(Long.parseLong(text));
        }
        if (NUMBER.matcher(text).matches()) {
            return GgufValue.ofFloat32(Float.parseFloat(text));
        }
        return GgufValue.ofString(text);
    }

    private static MemorySegment toF16(float[] values) {
        MemorySegment seg = Arena.ofAuto().allocate(2L * values.length, 64);
        for (int i = 0; i < values.length; i++) {
            seg.setAtIndex(F16, i, Float.floatToFloat16(values[i]));
        }
        return seg;
    }
}
