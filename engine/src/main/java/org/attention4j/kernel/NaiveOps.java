package org.attention4j.kernel;

/**
 * The row primitives of the naive peer ({@code bench.NaiveAttention}): what a user writes by hand
 * when the whole {@code Lq × Lk} score matrix is materialized, vectorized like the flash kernel so that
 * a comparison shows the cost of the n × n matrix, not of a slow loop.
 */
public interface NaiveOps {

    /**
     * {@code scores[at + j] = Σ_d query[queryAt + d] · keysT[d·keyCount + j]} for {@code j < keyCount}:
     * one score row against keys stored transposed ({@code [headDim][keyCount]}), vectorized over keys.
     */
    void scoreRow(float[] query, int queryAt, float[] keysT, int keyCount, int headDim, float[] scores, int at);

    /**
     * In place: {@code s_j = 2^(s_j − max) / Σ 2^(s − max)} over {@code count} base-2 scores;
     * {@code −∞} gives 0, and a row that is all {@code −∞} becomes all 0.
     */
    void softmaxRow(float[] scores, int at, int count);

    /** {@code out[outAt + d] = Σ_{j < count} probs[at + j] · values[j·headDim + d]} for {@code d < headDim}. */
    void weightedSum(float[] probs, int at, int count, float[] values, int headDim, float[] out, int outAt);
}
