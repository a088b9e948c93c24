package dev.gauntlet.engine.model;

import dev.gauntlet.engine.kernel.Parallel;
import dev.gauntlet.engine.kernel.VectorKernels;
import dev.gauntlet.engine.kv.BlockTable;
import dev.gauntlet.engine.kv.PagedKvCache;
import dev.gauntlet.engine.tensor.WeightMatrix;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The Llama forward pass on the CPU, read top to bottom: embedding, then per block RMSNorm →
 * grouped-query attention with RoPE over the paged KV cache → residual → RMSNorm → SwiGLU →
 * residual, then the final norm and the output head.
 *
 * <p>All tokens of a step (decode tokens of running sequences and prefill chunks alike) go through
 * every weight matrix together, so each weight is read once per step whatever the batch.
 * Activations are float32; weights stay in their stored type.
 */
public final class LlamaModel implements ForwardModel {
    private final LlamaConfig config;
    private final LlamaWeights weights;
    private final RopeRotations rope;

    public LlamaModel(LlamaConfig config, LlamaWeights weights) {
        this.config = config;
        this.weights = weights;
        this.rope = new RopeRotations(config);
    }

    @Override
    public LlamaConfig config() {
        return config;
    }

    /** The weights this model runs. */
    public LlamaWeights weights() {
        return weights;
    }

    @Override
    public PagedKvCache newKvCache(long budgetBytes, int blockSize) {
        return PagedKvCache.forBudget(budgetBytes, config.layers(), config.kvDim(), blockSize);
    }

    @Override
    public float[][] forward(List<SequenceChunk> chunks, PagedKvCache cache) {
        StepLayout step = new StepLayout(chunks, cache, config);
        int n = step.tokens();
        int dim = config.dim();
        int kvDim = config.kvDim();
        int ffn = config.hiddenDim();

        float[] x = new float[n * dim];
        for (int t = 0; t < n; t++) {
            weights.tokenEmbedding().readRow(step.tokenId(t), x, t * dim);
        }
        float[] xb = new float[n * dim];
        float[] q = new float[n * dim];
        float[] k = new float[n * kvDim];
        float[] v = new float[n * kvDim];
        float[] att = new float[n * dim];
        float[] proj = new float[n * dim];
        float[] gate = new float[n * ffn];
        float[] up = new float[n * ffn];
        int perToken = rope.floatsPerPosition();
        float[] rotations = new float[n * perToken];
        for (int t = 0; t < n; t++) {
            rope.write(step.position(t), rotations, t * perToken);
        }

        for (int l = 0; l < config.layers(); l++) {
            LlamaWeights.Layer layer = weights.layers()[l];
            rmsNorm(x, layer.attnNorm(), xb, n);
            WeightMatrix.matmul(new WeightMatrix[] {layer.wq(), layer.wk(), layer.wv()}, xb, new float[][] {q, k, v}, n);
            for (int t = 0; t < n; t++) {
                rotate(q, t * dim, config.heads(), rotations, t * perToken);
                rotate(k, t * kvDim, config.kvHeads(), rotations, t * perToken);
                int slot = step.slot(t);
                System.arraycopy(k, t * kvDim, cache.keys(l), slot, kvDim);
                System.arraycopy(v, t * kvDim, cache.values(l), slot, kvDim);
            }
            attention(step, cache, l, q, att);
            layer.wo().matmul(att, proj, n);
            add(x, proj, n * dim);

            rmsNorm(x, layer.ffnNorm(), xb, n);
            WeightMatrix.matmul(new WeightMatrix[] {layer.gate(), layer.up()}, xb, new float[][] {gate, up}, n);
            swiGlu(gate, up, n * ffn);
            layer.down().matmul(gate, proj, n);
            add(x, proj, n * dim);
        }
        return outputLogits(step, x);
    }

    /** Final norm and output head, only for the rows the chunks asked for. */
    private float[][] outputLogits(StepLayout step, float[] x) {
        int dim = config.dim();
        int[] rows = step.logitTokens();
        float[] selected = new float[rows.length * dim];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(x, rows[r] * dim, selected, r * dim, dim);
        }
        float[] normed = new float[rows.length * dim];
        rmsNorm(selected, weights.outputNorm(), normed, rows.length);
        float[] logits = new float[rows.length * config.vocab()];
        weights.output().matmul(normed, logits, rows.length);
        return step.splitLogits(logits, config.vocab());
    }

    /** {@code out = x / sqrt(mean(x²) + eps) * w}, row by row. */
    private void rmsNorm(float[] x, float[] w, float[] out, int rows) {
        int dim = w.length;
        Parallel.forRange(rows, 8, (start, end) -> {
            for (int r = start; r < end; r++) {
                int o = r * dim;
                double ss = 0;
                for (int i = 0; i < dim; i++) {
                    ss += x[o + i] * x[o + i];
                }
                float scale = (float) (1.0 / Math.sqrt(ss / dim + config.normEps()));
                for (int i = 0; i < dim; i++) {
                    out[o + i] = x[o + i] * scale * w[i];
                }
            }
        });
    }

    /**
     * Rotates the adjacent pairs of the first {@code ropeDim} dimensions of each head by the
     * (cos, sin) pairs at {@code rotations[at...]} ({@link RopeRotations#write}).
     */
    private void rotate(float[] vec, int offset, int heads, float[] rotations, int at) {
        int headDim = config.headDim();
        for (int i = 0; i < rope.floatsPerPosition() / 2; i++) {
            float cos = rotations[at + 2 * i];
            float sin = rotations[at + 2 * i + 1];
            for (int h = 0; h < heads; h++) {
                int j = offset + h * headDim + 2 * i;
                float a = vec[j];
                float b = vec[j + 1];
                vec[j] = a * cos - b * sin;
                vec[j + 1] = a * sin + b * cos;
            }
        }
    }

    /**
     * Causal attention of every token over its own sequence's cached positions {@code 0..pos};
     * query head {@code h} reads KV head {@code h / (heads / kvHeads)}.
     */
    private void attention(StepLayout step, PagedKvCache cache, int layer, float[] q, float[] att) {
        int heads = config.heads();
        int headDim = config.headDim();
        int dim = config.dim();
        int group = heads / config.kvHeads();
        // The keys as a segment, for the vector dot product that the weight rows use.
        MemorySegment keys = MemorySegment.ofArray(cache.keys(layer));
        float[] values = cache.values(layer);
        float scale = (float) (1.0 / Math.sqrt(headDim));
        Parallel.forRange(step.tokens() * heads, 1, (start, end) -> {
            float[] scores = new float[step.maxPos() + 1];
            float[] accs = VectorKernels.rowScratch();
            for (int th = start; th < end; th++) {
                int t = th / heads;
                int h = th % heads;
                int qo = t * dim + h * headDim;
                int kvo = (h / group) * headDim;
                BlockTable table = step.table(t);
                int len = step.position(t) + 1;
                for (int p0 = 0; p0 < len; p0 += VectorKernels.SUM_ROWS) {
                    int count = Math.min(VectorKernels.SUM_ROWS, len - p0);
                    for (int j = 0; j < count; j++) {
                        long ko = cache.offset(table, p0 + j) + kvo;
                        VectorKernels.dotLanes(keys, ko * Float.BYTES, q, qo, headDim, accs, j * VectorKernels.L);
                    }
                    VectorKernels.sumRows(accs, count, scores, p0);
                }
                float max = Float.NEGATIVE_INFINITY;
                for (int p = 0; p < len; p++) {
                    scores[p] *= scale;
                    max = Math.max(max, scores[p]);
                }
                float sum = 0;
                for (int p = 0; p < len; p++) {
                    scores[p] = (float) Math.exp(scores[p] - max);
                    sum += scores[p];
                }
                int ao = t * dim + h * headDim;
                java.util.Arrays.fill(att, ao, ao + headDim, 0f);
                for (int p = 0; p < len; p++) {
                    float w = scores[p] / sum;
                    int vo = cache.offset(table, p) + kvo;
                    for (int i = 0; i < headDim; i++) {
                        att[ao + i] += w * values[vo + i];
                    }
                }
            }
        });
    }

    /** {@code gate = silu(gate) * up}. */
    private static void swiGlu(float[] gate, float[] up, int n) {
        Parallel.forRange(n, 16384, (start, end) -> {
            for (int i = start; i < end; i++) {
                float g = gate[i];
                gate[i] = g / (1f + (float) Math.exp(-g)) * up[i];
            }
        });
    }

    private static void add(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            x[i] += y[i];
        }
    }
}
