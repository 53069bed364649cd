package org.attention4j.kernel;

/**
 * The tile-level primitives of the flash driver, implemented once in plain Java
 * ({@link ScalarTileOps}) and once with the Vector API ({@code panama.PanamaTileOps}).
 *
 * <p>Tile layouts (all row-major {@code float[]}, owned by a {@link Workspace}):
 * <ul>
 *   <li>{@code queriesT [headDim][paddedRows]}: the query rows of one work item, transposed, already
 *       multiplied by {@code scale·log2(e)} so scores are in base-2 units;</li>
 *   <li>{@code keys [keyRows][headDim]}, {@code values [keyRows][paddedDim]}: one key/value block;</li>
 *   <li>{@code scoresT [keyRows][paddedRows]}: scores, then probabilities, one column per query row —
 *       so the softmax runs down columns with whole vectors and never reduces across lanes;</li>
 *   <li>{@code acc [paddedRows][paddedDim]}: the unnormalized output rows.</li>
 * </ul>
 * {@code paddedRows} is a multiple of {@link #rowMultiple()}, {@code paddedDim} of {@link #lanes()}.
 */
public interface TileOps {

    /** A short name for reports, e.g. {@code "vector-256"} or {@code "scalar"}. */
    String name();

    /** Float lanes of one vector (1 for scalar); {@code paddedDim} is a multiple of it. */
    int lanes();

    /** {@code paddedRows} must be a multiple of this (the vector length, and at least 4). */
    int rowMultiple();

    /**
     * {@code scoresT[c][r] = Σ_d keys[c][d] · queriesT[d][r]} for {@code c < keyRows} (a multiple of 4)
     * and {@code r < paddedRows}.
     */
    void scoresTransposed(float[] keys, int keyRows, int headDim, float[] queriesT, int paddedRows,
                          float[] scoresT);

    /**
     * One online-softmax step over the first {@code keyCount} rows of {@code scoresT} (base-2 scores),
     * for every query column {@code r < paddedRows}:
     * <pre>
     *   m_new = max(m_old, max_c s[c][r])                 (−∞ if everything so far is masked)
     *   alpha = exp2(m_old − m_new)                       (0 when m_old = −∞)
     *   s[c][r] = exp2(s[c][r] − m_new)                   (in place: the probabilities P, 0 for −∞)
     *   l = l · alpha + Σ_c s[c][r]
     * </pre>
     * with {@code m_new} taken as 0 inside the exponentials when it is −∞, so no NaN appears.
     */
    void softmaxUpdate(float[] scoresT, int keyCount, int paddedRows, float[] rowMax, float[] rowSum,
                       float[] alpha);

    /**
     * {@code acc[r][d] = alpha[r] · acc[r][d] + Σ_{c < keyCount} probsT[c][r] · values[c][d]} for
     * {@code r < paddedRows}, {@code d < paddedDim}.
     */
    void accumulateValues(float[] probsT, int keyCount, int paddedRows, float[] alpha, float[] values,
                          int paddedDim, float[] acc);

    /**
     * The calibration loop for "% of peak": {@code 12} independent chains of {@code x = x·a + b} on
     * the widest vectors this implementation uses, {@code iterations} steps each, so the FMA units
     * never wait on a dependency (FMA latency 4 × 2 pipes needs 8+ chains; 12 leaves margin). Does
     * {@code 2 · 12 · lanes()} FLOPs per iteration; returns a value derived from every chain so the
     * work cannot be dropped.
     */
    float fmaChains(long iterations);
}
