package org.attention4j.reference;

import org.attention4j.AttentionSpec;
import org.attention4j.Tensor;

/**
 * The float64 oracle of {@link org.attention4j.layer.linear.PerformerAttention}: the same estimator,
 * written literally and quadratically (so nothing of the linear-time driver, its chunks, state or
 * shifts is reused):
 * <pre>
 *   x_i = q_i·sign(scale)·√|scale|,  y_j = k_j·√|scale|
 *   φ(x)_f = exp(w_f·x − |x|²/2) / √m
 *   o_i = Σ_j (φ(x_i)·φ(y_j)) v_j / Σ_j φ(x_i)·φ(y_j)     over the keys j row i may see
 * </pre>
 * with {@code W} given (the implementation's own
 * {@link org.attention4j.layer.linear.PerformerAttention#projection()}, widened to double). A row that
 * sees no key gets 0. O(Lq·Lk·m): for tests on small problems.
 */
public final class PerformerReference {
    private PerformerReference() {}

    /** Output {@code [batch][queryLength][heads][valueHeadDim]}, BSHD, contiguous, in a {@link ReferenceAttention.Result} (lse unused: NaN). */
    public static ReferenceAttention.Result compute(AttentionSpec spec, Tensor q, Tensor k, Tensor v,
                                                    float[] projection, int features) {
        int batch = spec.batch(), lq = spec.queryLength(), lk = spec.keyLength(), heads = spec.heads();
        int dim = spec.headDim(), valueDim = spec.valueHeadDim();
        double root = Math.sqrt(Math.abs(spec.scale()));
        double sign = spec.scale() < 0 ? -1 : 1;
        double[] out = new double[batch * lq * heads * valueDim];
        double[] lse = new double[batch * heads * lq];
        java.util.Arrays.fill(lse, Double.NaN);
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                int kvHead = h / spec.groupSize();
                double[][] keyFeatures = new double[lk][];
                for (int j = 0; j < lk; j++) {
                    keyFeatures[j] = features(k, b, j, kvHead, dim, root, projection, features);
                }
                for (int i = 0; i < lq; i++) {
                    double[] queryFeatures = features(q, b, i, h, dim, sign * root, projection, features);
                    double denominator = 0;
                    double[] numerator = new double[valueDim];
                    for (int j = (int) spec.firstVisibleKey(i); j <= spec.lastVisibleKey(i); j++) {
                        double weight = 0;
                        for (int f = 0; f < features; f++) {
                            weight += queryFeatures[f] * keyFeatures[j][f];
                        }
                        denominator += weight;
                        for (int d = 0; d < valueDim; d++) {
                            numerator[d] += weight * v.get(b, j, kvHead, d);
                        }
                    }
                    for (int d = 0; d < valueDim; d++) {
                        out[((b * lq + i) * heads + h) * valueDim + d] = denominator > 0 ? numerator[d] / denominator : 0;
                    }
                }
            }
        }
        return new ReferenceAttention.Result(spec, out, lse);
    }

    /** φ(x) with x = t(b, s, h)·multiplier. */
    private static double[] features(Tensor t, int b, int s, int h, int dim, double multiplier, float[] w, int m) {
        double[] x = new double[dim];
        double halfNorm = 0;
        for (int d = 0; d < dim; d++) {
            x[d] = t.get(b, s, h, d) * multiplier;
            halfNorm += x[d] * x[d] / 2;
        }
        double[] phi = new double[m];
        for (int f = 0; f < m; f++) {
            double dot = 0;
            for (int d = 0; d < dim; d++) {
                dot += w[f * dim + d] * x[d];
            }
            phi[f] = Math.exp(dot - halfNorm) / Math.sqrt(m);
        }
        return phi;
    }
}
