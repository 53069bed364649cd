package org.attention4j.reference;

import org.attention4j.AttentionSpec;
import org.attention4j.Tensor;

/**
 * The float64 oracle: attention computed straight from the formula, one query row at a time.
 * <pre>
 *   s_j = scale · Σ_d q_d · k_jd        for the keys j the row may see (causal: j ≤ i + Lk − Lq)
 *   m = max_j s_j,  w_j = exp(s_j − m) / Σ_j exp(s_j − m)
 *   o_d = Σ_j w_j · v_jd,   lse = m + ln Σ_j exp(s_j − m)
 * </pre>
 * A row that sees no key gets o = 0 and lse = −∞. Slow (O(Lq·Lk·D) with no tiling) and obvious on
 * purpose: every kernel is tested against it. It materializes one row of scores, never the matrix.
 */
public final class ReferenceAttention {
    private ReferenceAttention() {}

    /** Output {@code [batch][queryLength][heads][headDim]} and, in {@code lse}, {@code [batch][heads][queryLength]}. */
    public static Result compute(AttentionSpec spec, Tensor q, Tensor k, Tensor v) {
        int batch = spec.batch(), lq = spec.queryLength(), heads = spec.heads(), dim = spec.headDim();
        double[] out = new double[batch * lq * heads * dim];
        double[] lse = new double[batch * heads * lq];
        double[] scores = new double[spec.keyLength()];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                int kvHead = h / spec.groupSize();
                for (int i = 0; i < lq; i++) {
                    int first = (int) spec.firstVisibleKey(i);
                    int visible = (int) Math.max(0, spec.lastVisibleKey(i) + 1 - first);
                    int outAt = ((b * lq + i) * heads + h) * dim;
                    int lseAt = (b * heads + h) * lq + i;
                    if (visible == 0) {
                        lse[lseAt] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < visible; j++) {
                        double dot = 0;
                        for (int d = 0; d < dim; d++) {
                            dot += (double) q.get(b, i, h, d) * k.get(b, first + j, kvHead, d);
                        }
                        scores[j] = spec.scale() * dot;
                        max = Math.max(max, scores[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < visible; j++) {
                        scores[j] = Math.exp(scores[j] - max);
                        sum += scores[j];
                    }
                    for (int j = 0; j < visible; j++) {
                        double w = scores[j] / sum;
                        for (int d = 0; d < dim; d++) {
                            out[outAt + d] += w * v.get(b, first + j, kvHead, d);
                        }
                    }
                    lse[lseAt] = max + Math.log(sum);
                }
            }
        }
        return new Result(spec, out, lse);
    }

    /** Reference output (BSHD, contiguous) and log-sum-exp (BHS, contiguous), in float64. */
    public record Result(AttentionSpec spec, double[] out, double[] lse) {
        public double out(int b, int i, int h, int d) {
            return out[((b * spec.queryLength() + i) * spec.heads() + h) * spec.headDim() + d];
        }

        public double lse(int b, int h, int i) {
            return lse[(b * spec.heads() + h) * spec.queryLength() + i];
        }
    }
}
