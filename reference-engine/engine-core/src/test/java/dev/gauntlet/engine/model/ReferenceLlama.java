package dev.gauntlet.engine.model;

import dev.gauntlet.engine.tensor.WeightMatrix;

/**
 * A plain float64 Llama, written apart from the engine as the arithmetic reference: no paging,
 * no batching, no vectorisation; weights dequantized to doubles.
 */
final class ReferenceLlama {
    private final LlamaConfig c;
    private final double[][] embedding;
    private final double[][][] wq, wk, wv, wo, gate, up, down;
    private final double[][] attnNorm, ffnNorm;
    private final double[] outputNorm;
    private final double[][] output;

    ReferenceLlama(LlamaConfig c, LlamaWeights w) {
        this.c = c;
        int layers = c.layers();
        embedding = dense(w.tokenEmbedding());
        output = dense(w.output());
        outputNorm = toDouble(w.outputNorm());
        wq = new double[layers][][];
        wk = new double[layers][][];
        wv = new double[layers][][];
        wo = new double[layers][][];
        gate = new double[layers][][];
        up = new double[layers][][];
        down = new double[layers][][];
        attnNorm = new double[layers][];
        ffnNorm = new double[layers][];
        for (int l = 0; l < layers; l++) {
            LlamaWeights.Layer L = w.layers()[l];
            wq[l] = dense(L.wq());
            wk[l] = dense(L.wk());
            wv[l] = dense(L.wv());
            wo[l] = dense(L.wo());
            gate[l] = dense(L.gate());
            up[l] = dense(L.up());
            down[l] = dense(L.down());
            attnNorm[l] = toDouble(L.attnNorm());
            ffnNorm[l] = toDouble(L.ffnNorm());
        }
    }

    /** Logits after every position of {@code tokens} (position 0 = first token). */
    double[][] logits(int[] tokens) {
        int n = tokens.length;
        int dim = c.dim();
        int hd = c.headDim();
        int group = c.heads() / c.kvHeads();
        double[][] x = new double[n][];
        for (int t = 0; t < n; t++) {
            x[t] = embedding[tokens[t]].clone();
        }
        for (int l = 0; l < c.layers(); l++) {
            double[][] k = new double[n][];
            double[][] v = new double[n][];
            double[][] q = new double[n][];
            for (int t = 0; t < n; t++) {
                double[] h = norm(x[t], attnNorm[l]);
                q[t] = rope(mul(wq[l], h), t, c.heads());
                k[t] = rope(mul(wk[l], h), t, c.kvHeads());
                v[t] = mul(wv[l], h);
            }
            for (int t = 0; t < n; t++) {
                double[] att = new double[dim];
                for (int head = 0; head < c.heads(); head++) {
                    int kvh = head / group;
                    double[] s = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int p = 0; p <= t; p++) {
                        double dot = 0;
                        for (int i = 0; i < hd; i++) {
                            dot += q[t][head * hd + i] * k[p][kvh * hd + i];
                        }
                        s[p] = dot / Math.sqrt(hd);
                        max = Math.max(max, s[p]);
                    }
                    double sum = 0;
                    for (int p = 0; p <= t; p++) {
                        s[p] = Math.exp(s[p] - max);
                        sum += s[p];
                    }
                    for (int p = 0; p <= t; p++) {
                        for (int i = 0; i < hd; i++) {
                            att[head * hd + i] += s[p] / sum * v[p][kvh * hd + i];
                        }
                    }
                }
                add(x[t], mul(wo[l], att));
            }
            for (int t = 0; t < n; t++) {
                double[] h = norm(x[t], ffnNorm[l]);
                double[] g = mul(gate[l], h);
                double[] u = mul(up[l], h);
                for (int i = 0; i < g.length; i++) {
                    g[i] = g[i] / (1 + Math.exp(-g[i])) * u[i];
                }
                add(x[t], mul(down[l], g));
            }
        }
        double[][] logits = new double[n][];
        for (int t = 0; t < n; t++) {
            logits[t] = mul(output, norm(x[t], outputNorm));
        }
        return logits;
    }

    private double[] rope(double[] v, int pos, int heads) {
        int hd = c.headDim();
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < c.ropeDim() / 2; i++) {
                double angle = pos / (double) c.ropeScale() * Math.pow(c.ropeTheta(), -2.0 * i / c.ropeDim());
                int j = h * hd + 2 * i;
                double a = v[j];
                double b = v[j + 1];
                v[j] = a * Math.cos(angle) - b * Math.sin(angle);
                v[j + 1] = a * Math.sin(angle) + b * Math.cos(angle);
            }
        }
        return v;
    }

    private double[] norm(double[] x, double[] w) {
        double ss = 0;
        for (double d : x) {
            ss += d * d;
        }
        double scale = 1 / Math.sqrt(ss / x.length + c.normEps());
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * scale * w[i];
        }
        return out;
    }

    private static double[] mul(double[][] m, double[] x) {
        double[] out = new double[m.length];
        for (int r = 0; r < m.length; r++) {
            double s = 0;
            for (int i = 0; i < x.length; i++) {
                s += m[r][i] * x[i];
            }
            out[r] = s;
        }
        return out;
    }

    private static void add(double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            x[i] += y[i];
        }
    }

    private static double[][] dense(WeightMatrix m) {
        double[][] out = new double[m.rows()][];
        float[] row = new float[m.cols()];
        for (int r = 0; r < m.rows(); r++) {
            m.readRow(r, row, 0);
            out[r] = toDouble(row);
        }
        return out;
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
