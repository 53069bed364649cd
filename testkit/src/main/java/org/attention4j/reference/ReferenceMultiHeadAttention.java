package org.attention4j.reference;

import org.attention4j.AttentionSpec;
import org.attention4j.layer.MultiHeadAttentionWeights;

/**
 * The float64 oracle for {@code org.attention4j.layer.MultiHeadAttention}, straight from the formulas
 * and sharing no code with the layer:
 * <pre>
 *   X'  = X + PE(position)                       (optional: sinusoidal or a learned table)
 *   Q   = X'_q·W_Q + b_Q,  K = X'_kv·W_K + b_K,  V = X'_kv·W_V + b_V
 *   Q, K rotated by RoPE, rotate_half pairing (i, i + D/2), θ_i = base^(−2i/D)   (optional)
 *   O_h = softmax(Q_h·K_{h/g}ᵀ·scale + mask)·V_{h/g}   per head h, g = heads / kvHeads
 *   Y   = [O_0 … O_{H−1}]·W_O + b_O
 * </pre>
 * Q and K heads have {@code headDim} columns, V and O heads the weights' {@code valueHeadDim}.
 * The mask, scale and lengths come from {@code spec} (its {@code firstVisibleKey}/{@code lastVisibleKey});
 * the weights are read element by element through {@link MultiHeadAttentionWeights}' accessors. Slow and obvious.
 */
public final class ReferenceMultiHeadAttention {
    private ReferenceMultiHeadAttention() {}

    /**
     * Positional encodings of the oracle: {@code learned} is {@code [positions, dModel]} or null;
     * {@code ropeBase <= 0} means no RoPE.
     */
    public record Encoding(boolean sinusoidal, float[] learned, double ropeBase) {
        public static final Encoding NONE = new Encoding(false, null, 0);

        public static Encoding sinusoidalPositions() { return new Encoding(true, null, 0); }
        public static Encoding learnedPositions(float[] table) { return new Encoding(false, table, 0); }
        public static Encoding rope(double base) { return new Encoding(false, null, base); }
    }

    /** {@code Y [batch, queryLength, dModel]} as a dense double array. */
    public static double[] compute(MultiHeadAttentionWeights w, AttentionSpec spec, float[] xq, long queryPosition,
                                   float[] xkv, long keyPosition, Encoding encoding) {
        int batch = spec.batch(), lq = spec.queryLength(), lk = spec.keyLength(), d = w.dModel();
        int heads = w.heads(), kvHeads = w.kvHeads(), dim = w.headDim(), valueDim = w.valueHeadDim();
        double[] y = new double[batch * lq * d];
        for (int b = 0; b < batch; b++) {
            double[][] xqb = rows(xq, b, lq, d, queryPosition, encoding);
            double[][] xkb = rows(xkv, b, lk, d, keyPosition, encoding);
            double[][] q = project(xqb, w, 0, heads * dim, queryPosition, encoding, dim);
            double[][] k = project(xkb, w, heads * dim, kvHeads * dim, keyPosition, encoding, dim);
            double[][] v = project(xkb, w, (heads + kvHeads) * dim, kvHeads * valueDim, -1, Encoding.NONE,
                    valueDim);
            double[][] o = attention(spec, q, k, v, heads, spec.groupSize(), dim, valueDim);
            for (int i = 0; i < lq; i++) {
                for (int c = 0; c < d; c++) {
                    double sum = w.outputBias(c);
                    for (int r = 0; r < heads * valueDim; r++) {
                        sum += o[i][r] * w.output(r, c);
                    }
                    y[(b * lq + i) * d + c] = sum;
                }
            }
        }
        return y;
    }

    /** Rows of batch item {@code b} with the absolute encoding added: PE(p, 2i) = sin, PE(p, 2i+1) = cos. */
    private static double[][] rows(float[] x, int b, int length, int d, long first, Encoding e) {
        double[][] rows = new double[length][d];
        for (int i = 0; i < length; i++) {
            long p = first + i;
            for (int c = 0; c < d; c++) {
                double value = x[(b * length + i) * d + c];
                if (e.sinusoidal()) {
                    double angle = p / Math.pow(10000.0, (c - c % 2) / (double) d);
                    value += c % 2 == 0 ? Math.sin(angle) : Math.cos(angle);
                }
                if (e.learned() != null) {
                    value += e.learned()[(int) p * d + c];
                }
                rows[i][c] = value;
            }
        }
        return rows;
    }

    /** Columns {@code [from, from + width)} of the fused projection, plus bias, then RoPE when asked. */
    private static double[][] project(double[][] x, MultiHeadAttentionWeights w, int from, int width, long first, Encoding e,
                                      int dim) {
        double[][] out = new double[x.length][width];
        for (int i = 0; i < x.length; i++) {
            for (int c = 0; c < width; c++) {
                double sum = w.qkvBias(from + c);
                for (int r = 0; r < x[i].length; r++) {
                    sum += x[i][r] * fusedWeight(w, r, from + c);
                }
                out[i][c] = sum;
            }
            if (e.ropeBase() > 0) {
                rotate(out[i], first + i, e.ropeBase(), dim);
            }
        }
        return out;
    }

    private static double fusedWeight(MultiHeadAttentionWeights w, int row, int column) {
        int q = w.heads() * w.headDim(), kv = w.kvHeads() * w.headDim();
        return column < q ? w.query(row, column) : column < q + kv ? w.key(row, column - q)
                : w.value(row, column - q - kv);
    }

    private static void rotate(double[] row, long position, double base, int dim) {
        int half = dim / 2;
        for (int h = 0; h < row.length / dim; h++) {
            for (int i = 0; i < half; i++) {
                double angle = position * Math.pow(base, -2.0 * i / dim);
                double x1 = row[h * dim + i], x2 = row[h * dim + i + half];
                row[h * dim + i] = x1 * Math.cos(angle) - x2 * Math.sin(angle);
                row[h * dim + i + half] = x2 * Math.cos(angle) + x1 * Math.sin(angle);
            }
        }
    }

    private static double[][] attention(AttentionSpec spec, double[][] q, double[][] k, double[][] v, int heads,
                                        int group, int dim, int valueDim) {
        double[][] o = new double[q.length][heads * valueDim];
        for (int h = 0; h < heads; h++) {
            int kvAt = h / group * dim, valueAt = h / group * valueDim;
            for (int i = 0; i < q.length; i++) {
                int first = (int) spec.firstVisibleKey(i), last = (int) spec.lastVisibleKey(i);
                if (last < first) {
                    continue; // sees no key: O = 0, as the kernel
                }
                double[] s = new double[last - first + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = first; j <= last; j++) {
                    double dot = 0;
                    for (int x = 0; x < dim; x++) {
                        dot += q[i][h * dim + x] * k[j][kvAt + x];
                    }
                    double score = spec.scale() * dot;
                    if (spec.softcap() > 0) {
                        score = spec.softcap() * Math.tanh(score / spec.softcap());
                    }
                    score -= spec.alibiSlope(h) * Math.abs((double) i + k.length - q.length - j);
                    s[j - first] = spec.isInLayout(h, i, j) ? score : Double.NEGATIVE_INFINITY;
                    max = Math.max(max, s[j - first]);
                }
                if (max == Double.NEGATIVE_INFINITY) {
                    continue; // the block-sparse layout hides every key of this row: O = 0
                }
                double sum = 0;
                for (int j = 0; j < s.length; j++) {
                    s[j] = Math.exp(s[j] - max);
                    sum += s[j];
                }
                for (int j = first; j <= last; j++) {
                    for (int x = 0; x < valueDim; x++) {
                        o[i][h * valueDim + x] += s[j - first] / sum * v[j][valueAt + x];
                    }
                }
            }
        }
        return o;
    }
}
