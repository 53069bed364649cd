package org.attention4j.reference;

import org.attention4j.AttentionSpec;
import org.attention4j.Tensor;

/**
 * The float64 oracle of {@link org.attention4j.layer.linear.LinformerAttention}, literally:
 * <pre>
 *   K'_p = Σ_j E[p, j]·k_j,   V'_p = Σ_j F[p, j]·v_j        (per batch and key/value head)
 *   s_p = scale·q·K'_p,   o = Σ_p softmax(s)_p · V'_p
 * </pre>
 * O(k_proj·(Lk + Lq)·D) per head: for tests. Non-causal only, as the implementation.
 */
public final class LinformerReference {
    private LinformerReference() {}

    /** Output BSHD in a {@link ReferenceAttention.Result}; its lse holds each row's log-sum-exp. */
    public static ReferenceAttention.Result compute(AttentionSpec spec, Tensor q, Tensor k, Tensor v, float[] e,
                                                    float[] f, int projectedLength) {
        int batch = spec.batch(), lq = spec.queryLength(), lk = spec.keyLength(), heads = spec.heads();
        int dim = spec.headDim(), valueDim = spec.valueHeadDim(), kp = projectedLength;
        double[] out = new double[batch * lq * heads * valueDim];
        double[] lse = new double[batch * heads * lq];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                int kvHead = h / spec.groupSize();
                double[][] keys = project(e, k, b, kvHead, kp, lk, dim);
                double[][] values = project(f, v, b, kvHead, kp, lk, valueDim);
                double[] scores = new double[kp];
                for (int i = 0; i < lq; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int p = 0; p < kp; p++) {
                        double dot = 0;
                        for (int d = 0; d < dim; d++) {
                            dot += q.get(b, i, h, d) * keys[p][d];
                        }
                        scores[p] = spec.scale() * dot;
                        max = Math.max(max, scores[p]);
                    }
                    double sum = 0;
                    for (int p = 0; p < kp; p++) {
                        scores[p] = Math.exp(scores[p] - max);
                        sum += scores[p];
                    }
                    for (int p = 0; p < kp; p++) {
                        for (int d = 0; d < valueDim; d++) {
                            out[((b * lq + i) * heads + h) * valueDim + d] += scores[p] / sum * values[p][d];
                        }
                    }
                    lse[(b * heads + h) * lq + i] = max + Math.log(sum);
                }
            }
        }
        return new ReferenceAttention.Result(spec, out, lse);
    }

    /** {@code P·X} for one (batch, head) of X: {@code [kp][dim]}. */
    private static double[][] project(float[] p, Tensor x, int b, int h, int kp, int n, int dim) {
        double[][] projected = new double[kp][dim];
        for (int r = 0; r < kp; r++) {
            for (int j = 0; j < n; j++) {
                double weight = p[r * n + j];
                for (int d = 0; d < dim; d++) {
                    projected[r][d] += weight * x.get(b, j, h, d);
                }
            }
        }
        return projected;
    }
}
