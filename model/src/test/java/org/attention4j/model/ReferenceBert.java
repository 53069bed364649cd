package org.attention4j.model;

import org.attention4j.reference.ReferenceMath;

/**
 * BERT's forward pass in float64, written as the formulas read, one sequence at a time (the oracle of
 * {@link BertEncoderTest}): h = LN(word + pos + type); per layer a = softmax(QKᵀ/√d)V per head,
 * h = LN(h + aW_O + b_O), h = LN(h + GELU(hW_I + b_I)W_2 + b_2).
 */
final class ReferenceBert {
    private ReferenceBert() {}

    /** Hidden states {@code [n, hidden]} of one sequence (token types 0). */
    static double[][] encode(MapWeightSource w, BertConfig c, int[] ids) {
        int n = ids.length, h = c.hiddenSize();
        double[][] x = new double[n][h];
        float[] word = w.data.get("embeddings.word_embeddings.weight");
        float[] pos = w.data.get("embeddings.position_embeddings.weight");
        float[] type = w.data.get("embeddings.token_type_embeddings.weight");
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < h; j++) {
                x[t][j] = word[ids[t] * h + j] + pos[t * h + j] + type[j];
            }
        }
        x = norm(w, "embeddings.LayerNorm", x, c.layerNormEps());
        for (int i = 0; i < c.layers(); i++) {
            String p = "encoder.layer." + i + ".";
            double[][] attended = attention(w, c, p, x);
            x = norm(w, p + "attention.output.LayerNorm", add(x, linear(w, p + "attention.output.dense", attended)),
                    c.layerNormEps());
            double[][] inner = linear(w, p + "intermediate.dense", x);
            for (double[] row : inner) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = ReferenceMath.gelu(row[j]);
                }
            }
            x = norm(w, p + "output.LayerNorm", add(x, linear(w, p + "output.dense", inner)), c.layerNormEps());
        }
        return x;
    }

    private static double[][] attention(MapWeightSource w, BertConfig c, String p, double[][] x) {
        double[][] q = linear(w, p + "attention.self.query", x), k = linear(w, p + "attention.self.key", x);
        double[][] v = linear(w, p + "attention.self.value", x);
        int n = x.length, d = c.headSize();
        double[][] out = new double[n][c.hiddenSize()];
        for (int head = 0; head < c.heads(); head++) {
            int o = head * d;
            for (int i = 0; i < n; i++) {
                double[] s = new double[n];
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j < n; j++) {
                    for (int e = 0; e < d; e++) {
                        s[j] += q[i][o + e] * k[j][o + e];
                    }
                    s[j] /= Math.sqrt(d);
                    max = Math.max(max, s[j]);
                }
                for (int j = 0; j < n; j++) {
                    s[j] = Math.exp(s[j] - max);
                    sum += s[j];
                }
                for (int j = 0; j < n; j++) {
                    for (int e = 0; e < d; e++) {
                        out[i][o + e] += s[j] / sum * v[j][o + e];
                    }
                }
            }
        }
        return out;
    }

    /** {@code y = x·Wᵀ + b} with W {@code [out, in]} as stored. */
    private static double[][] linear(MapWeightSource w, String module, double[][] x) {
        float[] weight = w.data.get(module + ".weight"), bias = w.data.get(module + ".bias");
        int out = bias.length, in = x[0].length;
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < out; o++) {
                double sum = bias[o];
                for (int i = 0; i < in; i++) {
                    sum += x[t][i] * weight[o * in + i];
                }
                y[t][o] = sum;
            }
        }
        return y;
    }

    private static double[][] norm(MapWeightSource w, String module, double[][] x, double eps) {
        float[] gamma = w.data.get(module + ".weight"), beta = w.data.get(module + ".bias");
        double[][] y = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double mean = 0, var = 0;
            for (double v : x[t]) {
                mean += v / x[t].length;
            }
            for (double v : x[t]) {
                var += (v - mean) * (v - mean) / x[t].length;
            }
            y[t] = new double[x[t].length];
            for (int j = 0; j < x[t].length; j++) {
                y[t][j] = (x[t][j] - mean) / Math.sqrt(var + eps) * gamma[j] + beta[j];
            }
        }
        return y;
    }

    private static double[][] add(double[][] a, double[][] b) {
        for (int t = 0; t < a.length; t++) {
            for (int j = 0; j < a[t].length; j++) {
                b[t][j] += a[t][j];
            }
        }
        return b;
    }
}
