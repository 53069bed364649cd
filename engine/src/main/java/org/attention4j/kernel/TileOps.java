package org.attention4j.kernel;

import java.lang.foreign.MemorySegment;
import org.attention4j.ElementType;

/**
 * The tile-level primitives of the flash driver, implemented once in plain Java
 * ({@link ScalarTileOps}) and once with the Vector API ({@code panama.PanamaTileOps}); {@link KernelProvider}
 * hands them out. No default methods: a scalar default would hide a vector class's missing override as a
 * slowdown only, so every implementation writes every operation.
 *
 * <p>Tiles are {@code float[]} owned by a {@link Workspace}. Those indexed by query row are
 * <em>panel-major</em>: query rows are cut into panels of {@link #panelWidth()} rows, and element
 * (row, k) of a tile with depth {@code depth} is at {@link TilePlan#panelIndex}
 * {@code (row, k, depth, W) = (row / W)·depth·W + k·W + row % W}. A panel's W rows are contiguous for
 * each k, so the products and the softmax work on whole vectors of queries, and every index in the
 * inner loops moves by a constant (which lets the JIT drop bounds checks).
 * <ul>
 *   <li>{@code queriesT}, depth {@code headDim}: the item's query rows, pre-multiplied by
 *       {@code scale·log2 e} so every exponential is an exp2;</li>
 *   <li>{@code scoresT}, depth {@link #keyBlock()}: scores, then probabilities;</li>
 *   <li>{@code accT}, depth {@code paddedDim}: the unnormalized output rows;</li>
 *   <li>{@code valuesT [paddedDim][keyBlock]} from {@code valuesFirst}: one value block, transposed
 *       (not panel-major);</li>
 * </ul>
 * {@code paddedRows} is a multiple of W; {@code paddedDim} is the <em>value</em> head size rounded up to
 * a multiple of {@link #tileRows()} (the scores' depth is the query/key head size {@code headDim}; the
 * two differ when V has heads of its own size); padding rows and dims hold values that are never written
 * out. Where a primitive on value rows or output rows takes a {@code headDim}, it is the value head size.
 */
public interface TileOps {

    /** A short name for reports, e.g. {@code "vector-256"} or {@code "scalar"}. */
    String name();

    /** Float lanes of one vector (1 for scalar). */
    int lanes();

    /** W: query rows per panel, the width of a micro-tile. */
    int panelWidth();

    /** R: rows of a micro-tile (keys in the scores, head dims in the values product). */
    int tileRows();

    /**
     * Keys per block of the key loop: the depth of {@code scoresT} and of the transposed value block
     * below, a multiple of {@link #tileRows()}.
     */
    int keyBlock();

    /**
     * {@code scoresT(r, c) = Σ_d key_c[d] · queriesT(r, d)} for {@code c < keyRows} (a multiple of R)
     * and rows {@code rowFrom <= r < rowTo} (whole panels: both multiples of W), with key {@code c} at {@code keys[keyFirst + c·keyStride]}: keys may be
     * read straight from the caller's array. When {@code halfKeys} is not null (on the band's edge
     * blocks), the first half of panel {@code p} (rows {@code p·W ..}) needs only keys
     * {@code halfKeys[4p] <= c < halfKeys[4p + 1]} and its second half only keys
     * {@code halfKeys[4p + 2] <= c < halfKeys[4p + 3]} (an empty range is 0, 0): the other scores may be
     * left uncomputed; the mask outside the band then hides them for every real row (each is outside its
     * band there); padding rows (not in any range) may keep stale scores, harmless since lanes never mix
     * and they are never written out. The value product does not read them.
     */
    void scoresTransposed(float[] keys, int keyFirst, int keyStride, int keyRows, int headDim, float[] queriesT,
                          int rowFrom, int rowTo, float[] scoresT, int[] halfKeys);

    /**
     * One online-softmax step over keys {@code c < keyCount} of {@code scoresT} (base-2 scores), for
     * every query row {@code rowFrom <= r < rowTo} (whole panels):
     * <pre>
     *   m_new = max(m_old, max_c s(r, c))                 (−∞ if everything so far is masked)
     *   alpha = exp2(m_old − m_new)                       (0 when m_old = −∞)
     *   s(r, c) = exp2(s(r, c) − m_new)                   (in place: the probabilities P, 0 for −∞)
     *   l = l · alpha + Σ_c s(r, c)
     * </pre>
     * with {@code m_new} taken as 0 inside the exponentials when it is −∞, so no NaN appears. With
     * {@code panelKeys} (not null on edge blocks) a row of panel {@code p} reads and writes only keys
     * {@code [panelKeys[2p], panelKeys[2p + 1])}, the union of its halves' ranges (see
     * {@link #scoresTransposed}).
     */
    void softmaxUpdate(float[] scoresT, int keyCount, int rowFrom, int rowTo, float[] rowMax, float[] rowSum,
                       float[] alpha, int[] panelKeys);

    /**
     * {@code accT(r, d) = alpha[r] · accT(r, d) + Σ_{c < keyCount} valuesT[valuesFirst + d·keyBlock + c] ·
     * probsT(r, c)} for
     * {@code rowFrom <= r < rowTo} (whole panels), {@code d < paddedDim}. With {@code halfKeys} (as in {@link #scoresTransposed})
     * a row reads only its half panel's keys (for a real row the other probabilities of its panel's range
     * are 0).
     */
    void accumulateValues(float[] probsT, int keyCount, int rowFrom, int rowTo, float[] alpha, float[] valuesT,
                          int valuesFirst, int paddedDim, float[] accT, int[] halfKeys);

    /**
     * Scores of a few query rows against keys read where they lie (no packing; see
     * {@link TilePlan#rowByRow}), row-major, {@link #keyBlock} floats a row: {@code scores[r·KB + c] =
     * Σ_d queries[r·headDim + d] · keys[keyFirst + c·keyStride + d]} for {@code r < rows}, {@code c <
     * keyCount}. Row-major so that the softmax of a few rows ({@link #softmaxRows}) runs along the keys on
     * whole vectors: in the tiles' panel layout a decode row used one lane of every vector.
     *
     * <p>With {@code ahead} (not null), after key {@code c} the kernel calls {@link RowsAhead#touchFloats}
     * {@code (c)} and returns the sum of what it read, which the caller keeps so the loads stay. Returns
     * 0 without.
     */
    float scoreRows(float[] queries, int rows, int headDim, float[] keys, int keyFirst, int keyStride,
                    int keyCount, float[] scores, RowsAhead ahead);

    /**
     * One online-softmax step ({@link #softmaxUpdate}) on the row-major scores of {@link #scoreRows},
     * keys {@code [from, to)} of rows {@code r < rows}.
     */
    void softmaxRows(float[] scores, int rows, int from, int to, float[] rowMax, float[] rowSum,
                     float[] alpha);

    /**
     * The value product of {@link #scoreRows}, on row-major accumulators and probabilities:
     * {@code acc[r·headDim + d] = alpha[r] · acc[r·headDim + d] + Σ_{from <= c < to} probs[r·KB + c] ·
     * values[valuesFirst + c·valueStride + d]} for {@code r < rows}, {@code d < headDim}.
     */
    void accumulateValueRows(float[] probs, int rows, int from, int to, float[] alpha, float[] values,
                             int valuesFirst, int valueStride, int headDim, float[] acc);

    /**
     * {@link #scoreRows} over bfloat16, float16 or int8 keys read where they lie ({@code keys}' rows
     * {@code 0 .. keyCount}), widened as they are used: {@code scores[r·KB + c] = Σ_d queries[r·headDim +
     * d] · keys.get(c, d) · keys.scale(c)} (int8 rows' scale applied to the dot product). Returns what
     * {@code ahead} touched, as {@link #scoreRows}.
     */
    float scoreNarrowRows(float[] queries, int rows, int headDim, NarrowRows keys, int keyCount,
                          float[] scores, RowsAhead ahead);

    /**
     * {@link #accumulateValueRows} over bfloat16, float16 or int8 value rows read where they lie
     * ({@code values}' rows {@code from .. to}), widened as they are used; an int8 row's scale multiplies
     * its probability.
     */
    void accumulateNarrowValueRows(float[] probs, int rows, int from, int to, float[] alpha,
                                   NarrowRows values, int headDim, float[] acc);

    /**
     * Hides the keys outside each row's band on an edge block: {@code s(r, c) = −∞} unless
     * {@code rowFirst[r] <= firstKey + c < rowEnd[r]}, for the keys {@code c} of panel {@code p} in
     * {@code [panelKeys[2p], panelKeys[2p + 1])} (the only ones read later) that lie outside
     * {@code [sharedKeys[2p], sharedKeys[2p + 1])}, the keys every row of the panel sees.
     */
    void maskOutsideRowBands(float[] scoresT, int rowFrom, int rowTo, int firstKey, int[] rowFirst,
                             int[] rowEnd, int[] panelKeys, int[] sharedKeys);

    /**
     * Logit soft-capping in place: {@code s(r, c) = cap · tanh(s(r, c) / cap)} for {@code c < keyCount},
     * {@code rowFrom <= r < rowTo} (whole panels; {@code cap} in the tile's base-2 units).
     */
    void softcap(float[] scoresT, int keyCount, int rowFrom, int rowTo, float cap);

    /**
     * A distance bias in place (ALiBi): {@code s(r, c) += rowSlope[r] · |firstKey + c − rowPosition[r]|}
     * for {@code c < keyCount}, {@code rowFrom <= r < rowTo} (whole panels).
     */
    void addDistanceBias(float[] scoresT, int keyCount, int rowFrom, int rowTo, int firstKey, float[] rowSlope,
                         float[] rowPosition);

    /**
     * One panel of {@code queriesT} from W rows {@code rowStride} floats apart (a caller's tensor or a
     * copy): {@code queriesT[at + d·W + j] = src[srcFirst + j·rowStride + d] · factor} for {@code j < W},
     * {@code d < headDim}. {@code rowOffsets[i] = i·rowStride} for at least {@link #lanes()} entries
     * (gather offsets, precomputed by the caller).
     */
    void packQueryPanel(float[] src, int srcFirst, int rowStride, int[] rowOffsets, int headDim,
                        float factor, float[] queriesT, int at);

    /**
     * {@code dst[at + c·headDim + d] = src[srcFirst + c·rowStride + d]} for {@code c < count},
     * {@code d < headDim}: rows of a caller's tensor copied contiguously (key blocks; value rows before a
     * transpose that gathers).
     */
    void copyRows(float[] src, int srcFirst, int rowStride, int count, int headDim, float[] dst, int at);

    /**
     * {@code dst[at + d] = } element {@code d} of the row of {@code n} elements at {@code byteOffset} of
     * {@code src}, stored as {@code type}, widened to float32 (int8 times {@code scale}): keys and values
     * of the smaller types, row by row into the kernels' float32 blocks.
     */
    void widenRow(ElementType type, MemorySegment src, long byteOffset, float scale, float[] dst, int at,
                  int n);

    /**
     * {@link #widenRow} of {@code count} rows {@code strideBytes} apart from {@code firstByte}, into
     * {@code dst[at + c·n ..]}; row {@code c}'s int8 scale is {@code scales[scalesAt + c]}. Kernels widen
     * several rows at a time so their loads (rows from memory in decode) are in flight together, and read
     * {@code heapBase} (the segment's array, {@link org.attention4j.Tensor#heapBase()}, or null) directly.
     */
    void widenRows(ElementType type, MemorySegment src, Object heapBase, long firstByte, long strideBytes,
                   int count, int n, float[] scales, int scalesAt, float[] dst, int at);

    /**
     * Whether {@link #transposeValueBlock} reads each row as whole vectors (a register transpose), so
     * it may read a caller's rows where they lie: independent row loads overlap their misses, where a
     * gather per column waits on every row.
     */
    boolean transposesRowsInPlace();

    /**
     * One value block transposed from rows {@code rowStride} floats apart:
     * {@code valuesT[at + d·keyBlock + c] = src[srcFirst + c·rowStride + d]} for {@code c < keyCount},
     * {@code d < headDim}; {@code rowOffsets} as in {@link #packQueryPanel}.
     */
    void transposeValueBlock(float[] src, int srcFirst, int rowStride, int[] rowOffsets, int keyCount,
                             int headDim, float[] valuesT, int at);

    /**
     * One panel of {@code accT} (from {@code at}) back to rows {@code rowStride} floats apart, normalized:
     * {@code dst[dstFirst + j·rowStride + d] = accT[at + d·W + j] · inverse[j]} for {@code j < real},
     * {@code d < headDim}.
     */
    void unpackOutputPanel(float[] accT, int at, int real, int headDim, float[] inverse, float[] dst,
                           int dstFirst, int rowStride);

    /**
     * The calibration loop for "% of peak": {@code 12} independent chains of {@code x = b·a + x} on
     * the widest vectors this implementation uses, {@code iterations} steps each, so the FMA units
     * never wait on a dependency (FMA latency 4 × 2 pipes needs 8+ chains; 12 leaves margin). Does
     * {@code 2 · 12 · lanes()} FLOPs per iteration; returns a value derived from every chain so the
     * work cannot be dropped.
     */
    float fmaChains(long iterations);

    /**
     * The yardstick of "% of the read bandwidth": the sum of {@code data[from .. to)} read once in order,
     * on the widest vectors this implementation uses, with independent accumulators so the loads, not
     * the additions, set the pace. Returns the sum so the reads cannot be dropped.
     */
    float sumStream(float[] data, int from, int to);
}
