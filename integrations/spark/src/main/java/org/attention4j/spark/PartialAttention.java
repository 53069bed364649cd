package org.attention4j.spark;

import java.io.Serializable;
import org.attention4j.AttentionEngine;
import org.attention4j.AttentionSpec;
import org.attention4j.Tensor;

/**
 * Attention of some queries over a part of the keys, with what it takes to merge it with the other parts: the
 * output {@code O_p = softmax(Q·K_pᵀ·scale)·V_p} and the natural log-sum-exp {@code lse_p} of each row's scores.
 * Parts merge exactly (up to float32 rounding), in any order and grouping:
 * <pre>
 *   lse = log Σ_p exp(lse_p)            (computed from the largest: m + log Σ_p exp(lse_p − m))
 *   O   = Σ_p exp(lse_p − lse) · O_p
 * </pre>
 * the merge the engine does inside a call when it splits a long row over threads (flash-decoding). So a
 * sequence too long for one machine's memory, or for one task, is split over partitions by key blocks, each
 * partition computes its part ({@link #compute}), and a {@code reduce(PartialAttention::merge)} gives the
 * attention over all keys (docs/SPARK.md, "Attention over keys split across partitions"). Not causal: a part
 * sees all of its keys (a causal split would shift each part's mask by its first key).
 *
 * @param out the output, BSHD {@code [1, queries, heads, valueHeadDim]}
 * @param lse the log-sum-exp, {@code [1, heads, queries]}; −∞ for a row that saw no key
 * @param queries query rows
 * @param heads query heads
 * @param valueHeadDim floats per head of the output
 */
public record PartialAttention(float[] out, float[] lse, int queries, int heads, int valueHeadDim)
        implements Serializable {
    /**
     * {@return the attention of {@code q} over these keys and values, with its log-sum-exp}
     *
     * @param engine the engine that computes it
     * @param spec batch 1, the queries and this part's keys (its {@code keyLength}); not causal
     * @param q queries, BSHD {@code [1, queryLength, heads, headDim]}
     * @param k this part's keys, BSHD {@code [1, keyLength, kvHeads, headDim]}
     * @param v this part's values, BSHD {@code [1, keyLength, kvHeads, valueHeadDim]}
     * @throws IllegalArgumentException when the spec is causal or has a batch other than 1, or a tensor does
     *     not fit it
     */
    public static PartialAttention compute(AttentionEngine engine, AttentionSpec spec, float[] q, float[] k,
                                           float[] v) {
        if (spec.causal() || spec.batch() != 1) {
            throw new IllegalArgumentException("spec = " + spec + ": expected batch 1, not causal (each part sees "
                    + "all of its keys)");
        }
        int n = spec.queryLength(), h = spec.heads(), dv = spec.valueHeadDim();
        float[] out = new float[n * h * dv], lse = new float[h * n];
        engine.forward(spec, Tensor.bshd(q, n, h, spec.headDim()), Tensor.bshd(k, spec.keyLength(), spec.kvHeads(),
                spec.headDim()), Tensor.bshd(v, spec.keyLength(), spec.kvHeads(), dv), Tensor.bshd(out, n, h, dv),
                Tensor.lse(lse, h, n));
        return new PartialAttention(out, lse, n, h, dv);
    }

    /**
     * {@return this part merged with {@code other}: the attention over both parts' keys} (associative and
     * commutative up to float32 rounding)
     *
     * @param other a part of the same queries over other keys
     * @throws IllegalArgumentException when the shapes differ
     */
    public PartialAttention merge(PartialAttention other) {
        if (other.queries != queries || other.heads != heads || other.valueHeadDim != valueHeadDim) {
            throw new IllegalArgumentException("cannot merge parts of different shapes: " + this + " and " + other);
        }
        float[] o = new float[out.length], l = new float[lse.length];
        for (int head = 0; head < heads; head++) {
            for (int i = 0; i < queries; i++) {
                int row = head * queries + i, at = (i * heads + head) * valueHeadDim;
                float a = lse[row], b = other.lse[row], m = Math.max(a, b);
                if (m == Float.NEGATIVE_INFINITY) { // neither part saw a key: nothing to average
                    l[row] = m;
                    continue;
                }
                double wa = Math.exp((double) a - m), wb = Math.exp((double) b - m), sum = wa + wb;
                l[row] = (float) (m + Math.log(sum));
                for (int d = 0; d < valueHeadDim; d++) {
                    o[at + d] = (float) ((wa * out[at + d] + wb * other.out[at + d]) / sum);
                }
            }
        }
        return new PartialAttention(o, l, queries, heads, valueHeadDim);
    }

    @Override
    public String toString() {
        return "PartialAttention[queries=" + queries + ", heads=" + heads + ", valueHeadDim=" + valueHeadDim + "]";
    }
}
