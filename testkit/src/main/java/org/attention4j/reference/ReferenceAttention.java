package org.attention4j.reference;

import org.attention4j.AttentionMask;
import org.attention4j.AttentionSpec;
import org.attention4j.Tensor;
import org.attention4j.internal.ExactRowWeights;

/**
 * The float64 oracle: attention computed straight from the formula, one query row at a time.
 * <pre>
 *   s_j = scale · Σ_d q_d · k_jd        for the keys j the row may see (causal: j ≤ i + Lk − Lq)
 *   m = max_j s_j,  w_j = exp(s_j − m) / Σ_j exp(s_j − m)
 *   o_d = Σ_j w_j · v_jd,   lse = m + ln Σ_j exp(s_j − m)
 * </pre>
 * A row that sees no key gets o = 0 and lse = −∞. Slow (O(Lq·Lk·D) with no tiling) and obvious on
 * purpose: every kernel is tested against it. It materializes one row of scores, never the matrix.
 * Soft-capping, ALiBi, block-sparse layouts and masks follow {@link #rowWeights}.
 */
public final class ReferenceAttention {
    private ReferenceAttention() {}

    /** Output {@code [batch][queryLength][heads][valueHeadDim]} and, in {@code lse}, {@code [batch][heads][queryLength]}. */
    public static Result compute(AttentionSpec spec, Tensor q, Tensor k, Tensor v) {
        return compute(spec, null, q, k, v);
    }

    /** As {@link #compute(AttentionSpec, Tensor, Tensor, Tensor)} under a call's masks ({@code mask} may be null). */
    public static Result compute(AttentionSpec spec, AttentionMask mask, Tensor q, Tensor k, Tensor v) {
        int batch = spec.batch(), lq = spec.queryLength(), heads = spec.heads(), dim = spec.valueHeadDim();
        double[] out = new double[Math.multiplyExact(Math.multiplyExact(batch * lq, heads), dim)];
        double[] lse = new double[batch * heads * lq];
        double[] weights = new double[spec.keyLength()];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                int kvHead = h / spec.groupSize();
                for (int i = 0; i < lq; i++) {
                    int outAt = ((b * lq + i) * heads + h) * dim;
                    lse[(b * heads + h) * lq + i] = rowWeights(spec, mask, q, k, b, h, i, weights);
                    for (int j = 0; j < spec.keyLength(); j++) {
                        for (int d = 0; weights[j] != 0 && d < dim; d++) {
                            out[outAt + d] += weights[j] * v.get(b, j, kvHead, d);
                        }
                    }
                }
            }
        }
        return new Result(spec, out, lse);
    }

    /**
     * The attention weights of row (b, h, i) straight from the definition, in {@code weights[0 .. keyLength)}
     * (0 for hidden keys); returns the row's log-sum-exp, −∞ when it sees no key (then all weights are 0).
     * <pre>
     *   visible(j) = causal/window band ∧ block-sparse layout ∧ not padded ∧ boolean mask ∧ bias > −∞
     *   s_j = scale · q·k_j;  s_j = c · tanh(s_j / c) (softcap);  s_j −= slope_h · |i + Lk − Lq − j| (ALiBi);
     *   s_j += additive mask;  w_j = exp(s_j − m) / Σ exp(s − m)
     * </pre>
     */
    public static double rowWeights(AttentionSpec spec, AttentionMask mask, Tensor q, Tensor k, int b, int h, int i,
                                    double[] weights) {
        return ExactRowWeights.compute(spec, mask, q, k, b, h, i, weights);
    }

    /** Reference output (BSHD, contiguous) and log-sum-exp (BHS, contiguous), in float64. */
    public record Result(AttentionSpec spec, double[] out, double[] lse) {
        public double out(int b, int i, int h, int d) {
            return out[((b * spec.queryLength() + i) * spec.heads() + h) * spec.valueHeadDim() + d];
        }

        public double lse(int b, int h, int i) {
            return lse[(b * spec.heads() + h) * spec.queryLength() + i];
        }
    }
}
