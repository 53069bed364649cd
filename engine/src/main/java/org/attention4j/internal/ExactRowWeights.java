package org.attention4j.internal;

import org.attention4j.AttentionMask;
import org.attention4j.AttentionSpec;
import org.attention4j.Tensor;

/**
 * One row's attention weights straight from the definition, in float64: what
 * {@code AttentionWeights} returns to users and what the float64 reference ({@code ReferenceAttention})
 * builds its outputs from. Here, below both, so that the API does not depend on the test oracle's
 * package.
 */
public final class ExactRowWeights {
    private ExactRowWeights() {}

    /**
     * The attention weights of row (b, h, i) in {@code weights[0 .. keyLength)} (0 for hidden keys); returns
     * the row's log-sum-exp, −∞ when it sees no key (then all weights are 0).
     * <pre>
     *   visible(j) = causal/window band ∧ block-sparse layout ∧ not padded ∧ boolean mask ∧ bias > −∞
     *   s_j = scale · q·k_j;  s_j = c · tanh(s_j / c) (softcap);  s_j −= slope_h · |i + Lk − Lq − j| (ALiBi);
     *   s_j += additive mask;  w_j = exp(s_j − m) / Σ exp(s − m)
     * </pre>
     */
    public static double compute(AttentionSpec spec, AttentionMask mask, Tensor q, Tensor k, int b, int h, int i,
                                 double[] weights) {
        int kvHead = h / spec.groupSize();
        long first = spec.firstVisibleKey(i), last = spec.lastVisibleKey(i);
        double max = Double.NEGATIVE_INFINITY;
        boolean[] visible = new boolean[spec.keyLength()];
        for (int j = 0; j < spec.keyLength(); j++) {
            weights[j] = 0;
            double bias = mask != null && mask.hasGeneralMask() ? mask.biasAt(mask.generalIndex(b, h, i) + j) : 0;
            visible[j] = j >= first && j <= last && spec.isInLayout(h, i, j) && (mask == null || !mask.isPadded(b, j))
                    && bias != Double.NEGATIVE_INFINITY;
            if (!visible[j]) {
                continue;
            }
            double dot = 0;
            for (int d = 0; d < spec.headDim(); d++) {
                dot += (double) q.get(b, i, h, d) * k.get(b, j, kvHead, d);
            }
            double score = spec.scale() * dot;
            if (spec.softcap() > 0) {
                score = spec.softcap() * Math.tanh(score / spec.softcap());
            }
            score -= spec.alibiSlope(h) * Math.abs((double) i + spec.keyLength() - spec.queryLength() - j);
            weights[j] = score + bias;
            max = Math.max(max, weights[j]);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            java.util.Arrays.fill(weights, 0);
            return Double.NEGATIVE_INFINITY;
        }
        double sum = 0;
        for (int j = 0; j < spec.keyLength(); j++) {
            weights[j] = visible[j] ? Math.exp(weights[j] - max) : 0;
            sum += weights[j];
        }
        for (int j = 0; j < spec.keyLength(); j++) {
            weights[j] /= sum;
        }
        return max + Math.log(sum);
    }
}
