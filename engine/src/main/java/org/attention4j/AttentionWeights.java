package org.attention4j;

import org.attention4j.kernel.ForwardArguments;
import org.attention4j.internal.ExactRowWeights;

/**
 * The normalized attention weights {@code P = softmax(Q·Kᵀ·scale + mask)} of one (batch item, head) and a
 * range of queries, for interpretability (heatmaps, exports). The engine never forms P; this class does,
 * so it is bounded: at most {@link #MAX_ELEMENTS} weights per call.
 *
 * <p>Each weight is the float64 value of the reference's row weights (the definition under every
 * option: causal mask, window, soft-cap, ALiBi, block-sparse layout, the call's masks) rounded to float32.
 * It is exact and slow on purpose (O(queries · keyLength · headDim) with no tiling): a view for a human,
 * not a kernel. Multiplying these weights by V gives {@link AttentionEngine#forward}'s output to float32
 * precision; the tests hold that.
 *
 * @since 0.1
 */
public final class AttentionWeights {
    /** The most weights one call returns: 16 Mi floats (64 MiB), e.g. 4096 queries × 4096 keys. */
    public static final long MAX_ELEMENTS = 1L << 24;

    private AttentionWeights() {}

    /**
     * The weights of queries {@code firstQuery .. firstQuery + queryCount − 1} of batch item
     * {@code batchIndex}, head {@code head}, as a row-major {@code [queryCount × keyLength]} array:
     * element {@code r · keyLength + j} is the weight query {@code firstQuery + r} gives key {@code j}.
     * Hidden keys (causal, window, layout, padding, a boolean mask's false, an additive −∞) get 0; every
     * other row sums to 1 (up to float rounding). A row that sees no key at all is all zeros, as the
     * engine's output for it is 0.
     *
     * @param spec the shape and options of the call whose weights these are
     * @param mask the call's masks, or null
     * @param q the queries, as for {@link AttentionEngine#forward}
     * @param k the keys, as for {@link AttentionEngine#forward}
     * @param batchIndex the batch item, {@code 0 .. batch − 1}
     * @param head the query head, {@code 0 .. heads − 1}
     * @param firstQuery the first query row
     * @param queryCount the number of query rows, from {@code firstQuery} on
     * @return a new {@code [queryCount × keyLength]} row-major array of weights
     * @throws IllegalArgumentException naming the argument, before any work, when an index is out of range,
     *     a tensor does not fit {@code spec}, the mask does not fit {@code spec}, or
     *     {@code queryCount · keyLength > MAX_ELEMENTS}
     */
    public static float[] compute(AttentionSpec spec, AttentionMask mask, Tensor q, Tensor k, int batchIndex,
                                  int head, int firstQuery, int queryCount) {
        checkArguments(spec, mask, q, k, batchIndex, head, firstQuery, queryCount);
        int keys = spec.keyLength();
        float[] weights = new float[queryCount * keys];
        double[] row = new double[keys];
        for (int r = 0; r < queryCount; r++) {
            ExactRowWeights.compute(spec, mask, q, k, batchIndex, head, firstQuery + r, row);
            for (int j = 0; j < keys; j++) {
                weights[r * keys + j] = (float) row[j];
            }
        }
        return weights;
    }

    private static void checkArguments(AttentionSpec spec, AttentionMask mask, Tensor q, Tensor k, int batchIndex,
                                       int head, int firstQuery, int queryCount) {
        ForwardArguments.checkQueriesAndKeys(spec, q, k);
        if (mask != null) {
            mask.checkFits(spec);
        }
        if (batchIndex < 0 || batchIndex >= spec.batch()) {
            throw new IllegalArgumentException("batchIndex = " + batchIndex + ": expected 0.." + (spec.batch() - 1));
        }
        if (head < 0 || head >= spec.heads()) {
            throw new IllegalArgumentException("head = " + head + ": expected 0.." + (spec.heads() - 1));
        }
        if (firstQuery < 0 || queryCount < 0 || (long) firstQuery + queryCount > spec.queryLength()) {
            throw new IllegalArgumentException("queries firstQuery = " + firstQuery + ", queryCount = " + queryCount
                    + ": expected firstQuery >= 0, queryCount >= 0 and firstQuery + queryCount <= queryLength = "
                    + spec.queryLength());
        }
        if ((long) queryCount * spec.keyLength() > MAX_ELEMENTS) {
            throw new IllegalArgumentException("queryCount = " + queryCount + " × keyLength = " + spec.keyLength()
                    + " = " + (long) queryCount * spec.keyLength() + " weights: expected at most " + MAX_ELEMENTS
                    + " (64 MiB of float32); ask for fewer queries at a time");
        }
    }
}
