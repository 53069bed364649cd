package org.attention4j.kernel.panama;

import static org.attention4j.kernel.panama.PanamaConstants.ROWS;
import static org.attention4j.kernel.panama.PanamaConstants.TILE_WIDTH;
import static org.attention4j.kernel.panama.PanamaConstants.LANES;
import static org.attention4j.kernel.panama.PanamaConstants.SPECIES;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.attention4j.ElementType;
import org.attention4j.kernel.NarrowRows;
import org.attention4j.kernel.RowsAhead;
import org.attention4j.kernel.TileOps;
import org.attention4j.kernel.TilePlan;

/**
 * Vector API tile primitives. The two products are register-blocked micro-GEMMs: a micro-tile keeps
 * its accumulators in registers over the whole reduction and streams one operand as vectors and the
 * other as broadcasts ({@link MicroKernels}; the tile shape is fixed per width by
 * {@link PanamaConstants#ROWS}). Made by {@link PanamaKernels}, which {@code KernelProvider} loads by name
 * only when {@code jdk.incubator.vector} is present.
 */
public final class PanamaTileOps implements TileOps {
    private static final int KEY_BLOCK = PanamaConstants.KEY_BLOCK;
    /** Int lanes of the same shape as {@code SPECIES}: row indices compared lane for lane with float rows. */
    private static final VectorSpecies<Integer> INT_SPECIES = SPECIES.withLanes(int.class);

    @Override
    public String name() {
        return "vector-" + SPECIES.vectorBitSize();
    }

    @Override
    public int lanes() {
        return LANES;
    }

    @Override
    public int panelWidth() {
        return TILE_WIDTH;
    }

    @Override
    public int tileRows() {
        return ROWS;
    }

    @Override
    public int keyBlock() {
        return KEY_BLOCK;
    }

    @Override
    public void scoresTransposed(float[] keys, int keyFirst, int keyStride, int keyRows, int headDim,
                                 float[] queriesT, int rowFrom, int rowTo, float[] scoresT, int[] halfKeys) {
        // Query panel outer, keys inner: the panel (headDim × 2 vectors) stays in L1 while the keys
        // stream past it as broadcasts. On a band's edge block each panel computes only the micro-tiles
        // of keys some of its rows can see, and with one vector where only one half of its rows can.
        for (int r = rowFrom, h = rowFrom / TILE_WIDTH * 4; r < rowTo; r += TILE_WIDTH, h += 4) {
            if (halfKeys == null) {
                for (int c = 0; c < keyRows; c += ROWS) {
                    scoreTile(keys, keyFirst, keyStride, headDim, queriesT, r, scoresT, c, 0);
                }
                continue;
            }
            int from0 = halfKeys[h], to0 = halfKeys[h + 1], from1 = halfKeys[h + 2], to1 = halfKeys[h + 3];
            int from = Math.min(from0 < to0 ? from0 : keyRows, from1 < to1 ? from1 : keyRows) / ROWS * ROWS;
            int to = Math.min(keyRows, Math.max(to0, to1));
            for (int c = from; c < to; c += ROWS) {
                boolean first = c < to0 && c + ROWS > from0, second = c < to1 && c + ROWS > from1;
                if (first || second) {
                    scoreTile(keys, keyFirst, keyStride, headDim, queriesT, r, scoresT, c,
                            first && second ? 0 : first ? 1 : 2);
                }
            }
        }
    }

    /**
     * The scores of keys {@code [c, c + ROWS)} against query panel {@code r}: both halves ({@code half}
     * 0), the first (1) or the second (2).
     */
    private static void scoreTile(float[] keys, int keyFirst, int keyStride, int headDim, float[] queriesT, int r,
                                  float[] scoresT, int c, int half) {
        int a = keyFirst + c * keyStride, b = r * headDim, out = r * KEY_BLOCK + c * TILE_WIDTH;
        if (half == 0) {
            tile(keys, a, keyStride, headDim, queriesT, b, scoresT, out, null, 0);
        } else {
            int lane = half == 1 ? 0 : LANES;
            halfTile(keys, a, keyStride, headDim, queriesT, b + lane, scoresT, out + lane, null, 0);
        }
    }

    @Override
    public void softmaxUpdate(float[] scoresT, int keyCount, int rowFrom, int rowTo, float[] rowMax, float[] rowSum,
                              float[] alpha, int[] panelKeys) {
        // Each lane is one query row; the softmax runs along the keys with whole vectors: no lane
        // reductions. A panel at a time, both of its vectors in each loop: two independent chains per
        // step (one vector at a time, AVX-512 spent 0.40 ns per score here, 0.28 with both). Each pass is
        // its own small method and only arrays cross between them: no vector ever crosses a call here, as
        // a vector argument or result is boxed wherever C2 declines to inline (docs/PERFORMANCE.md).
        for (int r = rowFrom, p = rowFrom / TILE_WIDTH * 2; r < rowTo; r += TILE_WIDTH, p += 2) {
            int from = panelKeys == null ? 0 : panelKeys[p];
            int to = panelKeys == null ? keyCount : Math.min(keyCount, panelKeys[p + 1]);
            int first = TilePlan.panelIndex(r, from, KEY_BLOCK, TILE_WIDTH);
            int end = first + Math.max(0, to - from) * TILE_WIDTH;
            blockMax(scoresT, first, end, alpha, r); // alpha holds the block's max until rescale
            rescale(rowMax, alpha, r);
            // s = exp2(s − m_new) in place over the panel's scores, l = l·alpha + Σ s
            VectorExp2.exp2Panels(scoresT, first, end, rowMax, r, rowSum, alpha, r);
        }
    }

    /**
     * {@code max[r + j] = max_c s(r + j, c)} over one panel's scores {@code [first, end)}. Four chains per
     * vector of rows, over keys c, c + 1, c + 2, c + 3: Java's max (NaN and −0 ordered) compiles to a
     * compare-and-blend sequence whose latency, not the loads, bounded one chain per vector (0.13 ns per
     * score on Zen 5, 0.053 with four).
     */
    private static void blockMax(float[] scoresT, int first, int end, float[] max, int r) {
        FloatVector a0 = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY), a1 = a0, b0 = a0, b1 = a0;
        FloatVector c0 = a0, c1 = a0, d0 = a0, d1 = a0;
        int at = first;
        for (; at + 3 * TILE_WIDTH < end; at += 4 * TILE_WIDTH) {
            a0 = a0.max(FloatVector.fromArray(SPECIES, scoresT, at));
            a1 = a1.max(FloatVector.fromArray(SPECIES, scoresT, at + LANES));
            b0 = b0.max(FloatVector.fromArray(SPECIES, scoresT, at + TILE_WIDTH));
            b1 = b1.max(FloatVector.fromArray(SPECIES, scoresT, at + TILE_WIDTH + LANES));
            c0 = c0.max(FloatVector.fromArray(SPECIES, scoresT, at + 2 * TILE_WIDTH));
            c1 = c1.max(FloatVector.fromArray(SPECIES, scoresT, at + 2 * TILE_WIDTH + LANES));
            d0 = d0.max(FloatVector.fromArray(SPECIES, scoresT, at + 3 * TILE_WIDTH));
            d1 = d1.max(FloatVector.fromArray(SPECIES, scoresT, at + 3 * TILE_WIDTH + LANES));
        }
        for (; at < end; at += TILE_WIDTH) {
            a0 = a0.max(FloatVector.fromArray(SPECIES, scoresT, at));
            a1 = a1.max(FloatVector.fromArray(SPECIES, scoresT, at + LANES));
        }
        a0.max(b0).max(c0.max(d0)).intoArray(max, r);
        a1.max(b1).max(c1.max(d1)).intoArray(max, r + LANES);
    }

    /** {@code m_new = max(m_old, blockMax)}, then {@code alpha = exp2(m_old − m_new)} in place of blockMax. */
    private static void rescale(float[] rowMax, float[] alpha, int r) {
        for (int j = r; j < r + TILE_WIDTH; j += LANES) {
            FloatVector mOld = FloatVector.fromArray(SPECIES, rowMax, j);
            mOld.max(FloatVector.fromArray(SPECIES, alpha, j)).intoArray(rowMax, j);
            mOld.intoArray(alpha, j);
        }
        VectorExp2.exp2Panels(alpha, r, r + TILE_WIDTH, rowMax, r, null, null, 0);
    }

    @Override
    public float scoreRows(float[] queries, int rows, int headDim, float[] keys, int keyFirst, int keyStride,
                           int keyCount, float[] scores, RowsAhead ahead) {
        // Four rows per pass share each key vector; one lane reduction per score. Keys are read once,
        // where they lie: a few rows cannot repay packing (packing and a 32-row panel made a decode call
        // 2.4–2.6× slower, docs/PERFORMANCE.md). The first pass touches the value rows ahead.
        float touched = 0f;
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            touched += scoreFourRows(queries, r, headDim, keys, keyFirst, keyStride, keyCount, scores,
                    r == 0 ? ahead : null);
        }
        for (; r < rows; r++) {
            touched += scoreOneRow(queries, r, headDim, keys, keyFirst, keyStride, keyCount, scores,
                    r == 0 ? ahead : null);
        }
        return touched;
    }

    private static float scoreFourRows(float[] queries, int r, int headDim, float[] keys, int keyFirst, int keyStride,
                                       int keyCount, float[] scores, RowsAhead ahead) {
        float touched = 0f;
        int vectorDims = headDim / LANES * LANES;
        int q0 = r * headDim, q1 = q0 + headDim, q2 = q1 + headDim, q3 = q2 + headDim;
        for (int c = 0, key = keyFirst, at = r * KEY_BLOCK; c < keyCount; c++, key += keyStride, at++) {
            FloatVector s0 = FloatVector.zero(SPECIES), s1 = s0, s2 = s0, s3 = s0;
            for (int d = 0; d < vectorDims; d += LANES) {
                FloatVector k = FloatVector.fromArray(SPECIES, keys, key + d);
                s0 = k.fma(FloatVector.fromArray(SPECIES, queries, q0 + d), s0);
                s1 = k.fma(FloatVector.fromArray(SPECIES, queries, q1 + d), s1);
                s2 = k.fma(FloatVector.fromArray(SPECIES, queries, q2 + d), s2);
                s3 = k.fma(FloatVector.fromArray(SPECIES, queries, q3 + d), s3);
            }
            float t0 = s0.reduceLanes(VectorOperators.ADD), t1 = s1.reduceLanes(VectorOperators.ADD);
            float t2 = s2.reduceLanes(VectorOperators.ADD), t3 = s3.reduceLanes(VectorOperators.ADD);
            for (int d = vectorDims; d < headDim; d++) { // tail dims
                float kd = keys[key + d];
                t0 += kd * queries[q0 + d];
                t1 += kd * queries[q1 + d];
                t2 += kd * queries[q2 + d];
                t3 += kd * queries[q3 + d];
            }
            scores[at] = t0;
            scores[at + KEY_BLOCK] = t1;
            scores[at + 2 * KEY_BLOCK] = t2;
            scores[at + 3 * KEY_BLOCK] = t3;
            if (ahead != null) {
                touched += ahead.touchFloats(c);
            }
        }
        return touched;
    }

    private static float scoreOneRow(float[] queries, int r, int headDim, float[] keys, int keyFirst, int keyStride,
                                     int keyCount, float[] scores, RowsAhead ahead) {
        float touched = 0f;
        int vectorDims = headDim / LANES * LANES;
        int q0 = r * headDim;
        for (int c = 0, key = keyFirst, at = r * KEY_BLOCK; c < keyCount; c++, key += keyStride, at++) {
            FloatVector s0 = FloatVector.zero(SPECIES);
            for (int d = 0; d < vectorDims; d += LANES) {
                s0 = FloatVector.fromArray(SPECIES, keys, key + d).fma(FloatVector.fromArray(SPECIES, queries, q0 + d), s0);
            }
            float t0 = s0.reduceLanes(VectorOperators.ADD);
            for (int d = vectorDims; d < headDim; d++) { // tail dims
                t0 += keys[key + d] * queries[q0 + d];
            }
            scores[at] = t0;
            if (ahead != null) {
                touched += ahead.touchFloats(c);
            }
        }
        return touched;
    }

    @Override
    public void softmaxRows(float[] scores, int rows, int from, int to, float[] rowMax, float[] rowSum,
                            float[] alpha) {
        // Along each row's keys on whole vectors (row-major scores, TileOps#scoreRows): a decode row
        // costs keys / LANES vectors here, where the panel layout spent a vector per key on it.
        for (int r = 0; r < rows; r++) {
            int first = r * KEY_BLOCK + from, end = r * KEY_BLOCK + to;
            float mOld = rowMax[r];
            float mNew = Math.max(mOld, rowMax(scores, first, end));
            float a = VectorExp2.exp2(mOld - (mNew == Float.NEGATIVE_INFINITY ? 0f : mNew));
            alpha[r] = a;
            rowSum[r] = rowSum[r] * a + VectorExp2.exp2Row(scores, first, end, mNew);
            rowMax[r] = mNew;
        }
    }

    /** {@code max x[first .. end)} (−∞ when empty): four chains of whole vectors, then the tail. */
    private static float rowMax(float[] x, int first, int end) {
        FloatVector a = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY), b = a, c = a, d = a;
        int at = first;
        for (; at + 4 * LANES <= end; at += 4 * LANES) {
            a = a.max(FloatVector.fromArray(SPECIES, x, at));
            b = b.max(FloatVector.fromArray(SPECIES, x, at + LANES));
            c = c.max(FloatVector.fromArray(SPECIES, x, at + 2 * LANES));
            d = d.max(FloatVector.fromArray(SPECIES, x, at + 3 * LANES));
        }
        for (; at + LANES <= end; at += LANES) {
            a = a.max(FloatVector.fromArray(SPECIES, x, at));
        }
        float max = a.max(b).max(c.max(d)).reduceLanes(VectorOperators.MAX);
        for (; at < end; at++) {
            max = Math.max(max, x[at]);
        }
        return max;
    }

    @Override
    public float scoreNarrowRows(float[] queries, int rows, int headDim, NarrowRows keys, int keyCount,
                                 float[] scores, RowsAhead ahead) {
        return PanamaNarrowRows.scoreRows(queries, rows, headDim, keys, keyCount, scores, ahead);
    }

    @Override
    public void accumulateNarrowValueRows(float[] probs, int rows, int from, int to, float[] alpha,
                                          NarrowRows values, int headDim, float[] acc) {
        PanamaNarrowRows.accumulateValueRows(probs, rows, from, to, alpha, values, headDim, acc);
    }

    /**
     * Keys per pass of {@link #accumulateValueRows}: their value rows (16 KiB at D = 128) stay in L1 while
     * each vector of head dims runs over them with the rows' accumulators in registers.
     */
    private static final int VALUE_ROWS_PER_PASS = 32;

    @Override
    public void accumulateValueRows(float[] probs, int rows, int from, int to, float[] alpha, float[] values,
                                    int valuesFirst, int valueStride, int headDim, float[] acc) {
        // Accumulators in registers over a pass of keys, four rows at a time, loaded and stored once per
        // pass and vector of dims: loading, adding to and storing every accumulator for every key made
        // this half of a decode call (store-bound, ~13 GB/s of K/V on one Zen 5 core).
        int vectorDims = headDim / LANES * LANES;
        for (int r = 0; r < rows; r++) {
            float scale = alpha[r];
            int d = r * headDim, end = d + headDim;
            for (int bound = d + vectorDims; d < bound; d += LANES) {
                FloatVector.fromArray(SPECIES, acc, d).mul(scale).intoArray(acc, d);
            }
            for (; d < end; d++) {
                acc[d] *= scale;
            }
        }
        for (int first = from; first < to; first += VALUE_ROWS_PER_PASS) {
            int last = Math.min(to, first + VALUE_ROWS_PER_PASS);
            int r = 0;
            for (; r + 4 <= rows; r += 4) {
                valuesIntoFourRows(probs, r, first, last, values, valuesFirst, valueStride, headDim, vectorDims, acc);
            }
            for (; r < rows; r++) {
                valuesIntoOneRow(probs, r, first, last, values, valuesFirst, valueStride, headDim, vectorDims, acc);
            }
        }
    }

    private static void valuesIntoFourRows(float[] probs, int r, int first, int last, float[] values, int valuesFirst,
                                           int valueStride, int headDim, int vectorDims, float[] acc) {
        int a0 = r * headDim, a1 = a0 + headDim, a2 = a1 + headDim, a3 = a2 + headDim;
        int d = 0;
        // Two vectors of dims at a time: eight independent FMA chains keep both FMA pipes busy (four
        // chains of 4-cycle FMAs fill half of them).
        for (; d + 2 * LANES <= vectorDims; d += 2 * LANES) {
            int e = d + LANES;
            FloatVector s0 = FloatVector.fromArray(SPECIES, acc, a0 + d), s1 = FloatVector.fromArray(SPECIES, acc, a1 + d);
            FloatVector s2 = FloatVector.fromArray(SPECIES, acc, a2 + d), s3 = FloatVector.fromArray(SPECIES, acc, a3 + d);
            FloatVector t0 = FloatVector.fromArray(SPECIES, acc, a0 + e), t1 = FloatVector.fromArray(SPECIES, acc, a1 + e);
            FloatVector t2 = FloatVector.fromArray(SPECIES, acc, a2 + e), t3 = FloatVector.fromArray(SPECIES, acc, a3 + e);
            for (int c = first, row = valuesFirst + first * valueStride + d, p = r * KEY_BLOCK + first; c < last;
                 c++, row += valueStride, p++) {
                FloatVector v = FloatVector.fromArray(SPECIES, values, row);
                FloatVector w = FloatVector.fromArray(SPECIES, values, row + LANES);
                FloatVector p0 = FloatVector.broadcast(SPECIES, probs[p]), p1 = FloatVector.broadcast(SPECIES, probs[p + KEY_BLOCK]);
                FloatVector p2 = FloatVector.broadcast(SPECIES, probs[p + 2 * KEY_BLOCK]);
                FloatVector p3 = FloatVector.broadcast(SPECIES, probs[p + 3 * KEY_BLOCK]);
                s0 = v.fma(p0, s0);
                s1 = v.fma(p1, s1);
                s2 = v.fma(p2, s2);
                s3 = v.fma(p3, s3);
                t0 = w.fma(p0, t0);
                t1 = w.fma(p1, t1);
                t2 = w.fma(p2, t2);
                t3 = w.fma(p3, t3);
            }
            s0.intoArray(acc, a0 + d);
            s1.intoArray(acc, a1 + d);
            s2.intoArray(acc, a2 + d);
            s3.intoArray(acc, a3 + d);
            t0.intoArray(acc, a0 + e);
            t1.intoArray(acc, a1 + e);
            t2.intoArray(acc, a2 + e);
            t3.intoArray(acc, a3 + e);
        }
        for (; d < vectorDims; d += LANES) {
            FloatVector s0 = FloatVector.fromArray(SPECIES, acc, a0 + d), s1 = FloatVector.fromArray(SPECIES, acc, a1 + d);
            FloatVector s2 = FloatVector.fromArray(SPECIES, acc, a2 + d), s3 = FloatVector.fromArray(SPECIES, acc, a3 + d);
            for (int c = first, row = valuesFirst + first * valueStride + d, p = r * KEY_BLOCK + first; c < last;
                 c++, row += valueStride, p++) {
                FloatVector value = FloatVector.fromArray(SPECIES, values, row);
                s0 = value.fma(FloatVector.broadcast(SPECIES, probs[p]), s0);
                s1 = value.fma(FloatVector.broadcast(SPECIES, probs[p + KEY_BLOCK]), s1);
                s2 = value.fma(FloatVector.broadcast(SPECIES, probs[p + 2 * KEY_BLOCK]), s2);
                s3 = value.fma(FloatVector.broadcast(SPECIES, probs[p + 3 * KEY_BLOCK]), s3);
            }
            s0.intoArray(acc, a0 + d);
            s1.intoArray(acc, a1 + d);
            s2.intoArray(acc, a2 + d);
            s3.intoArray(acc, a3 + d);
        }
        for (d = vectorDims; d < headDim; d++) { // tail dims
            for (int c = first, row = valuesFirst + first * valueStride + d, p = r * KEY_BLOCK + first; c < last;
                 c++, row += valueStride, p++) {
                float value = values[row];
                acc[a0 + d] += probs[p] * value;
                acc[a1 + d] += probs[p + KEY_BLOCK] * value;
                acc[a2 + d] += probs[p + 2 * KEY_BLOCK] * value;
                acc[a3 + d] += probs[p + 3 * KEY_BLOCK] * value;
            }
        }
    }

    private static void valuesIntoOneRow(float[] probs, int r, int first, int last, float[] values, int valuesFirst,
                                         int valueStride, int headDim, int vectorDims, float[] acc) {
        int a0 = r * headDim;
        for (int d = 0; d < vectorDims; d += LANES) {
            FloatVector s0 = FloatVector.fromArray(SPECIES, acc, a0 + d);
            for (int c = first, row = valuesFirst + first * valueStride + d, p = r * KEY_BLOCK + first; c < last;
                 c++, row += valueStride, p++) {
                s0 = FloatVector.fromArray(SPECIES, values, row).fma(FloatVector.broadcast(SPECIES, probs[p]), s0);
            }
            s0.intoArray(acc, a0 + d);
        }
        for (int d = vectorDims; d < headDim; d++) { // tail dims
            for (int c = first, row = valuesFirst + first * valueStride + d, p = r * KEY_BLOCK + first; c < last;
                 c++, row += valueStride, p++) {
                acc[a0 + d] += probs[p] * values[row];
            }
        }
    }

    @Override
    public void maskOutsideRowBands(float[] scoresT, int rowFrom, int rowTo, int firstKey, int[] rowFirst,
                                    int[] rowEnd, int[] panelKeys, int[] sharedKeys) {
        // A vector of rows per key: only the keys some row of the panel does not see (about W per edge),
        // compare and blend; element by element with per-row spec calls this took 3 % of a band call.
        for (int r = rowFrom, p = rowFrom / TILE_WIDTH * 2; r < rowTo; r += TILE_WIDTH, p += 2) {
            int from = panelKeys[p], to = panelKeys[p + 1];
            maskKeys(scoresT, r, from, Math.min(sharedKeys[p], to), firstKey, rowFirst, rowEnd);
            maskKeys(scoresT, r, Math.max(sharedKeys[p + 1], from), to, firstKey, rowFirst, rowEnd);
        }
    }

    /** {@code s(r + j, c) = −∞} for keys {@code c} in {@code [from, to)} outside row {@code r + j}'s band. */
    private static void maskKeys(float[] scoresT, int r, int from, int to, int firstKey, int[] rowFirst,
                                 int[] rowEnd) {
        if (from >= to) {
            return;
        }
        IntVector first0 = IntVector.fromArray(INT_SPECIES, rowFirst, r);
        IntVector first1 = IntVector.fromArray(INT_SPECIES, rowFirst, r + LANES);
        IntVector end0 = IntVector.fromArray(INT_SPECIES, rowEnd, r);
        IntVector end1 = IntVector.fromArray(INT_SPECIES, rowEnd, r + LANES);
        for (int c = from, at = TilePlan.panelIndex(r, from, KEY_BLOCK, TILE_WIDTH); c < to; c++, at += TILE_WIDTH) {
            int key = firstKey + c;
            VectorMask<Float> hide0 = first0.compare(VectorOperators.GT, key)
                    .or(end0.compare(VectorOperators.LE, key)).cast(SPECIES);
            VectorMask<Float> hide1 = first1.compare(VectorOperators.GT, key)
                    .or(end1.compare(VectorOperators.LE, key)).cast(SPECIES);
            FloatVector.fromArray(SPECIES, scoresT, at).blend(Float.NEGATIVE_INFINITY, hide0).intoArray(scoresT, at);
            FloatVector.fromArray(SPECIES, scoresT, at + LANES).blend(Float.NEGATIVE_INFINITY, hide1)
                    .intoArray(scoresT, at + LANES);
        }
    }

    @Override
    public void softcap(float[] scoresT, int keyCount, int rowFrom, int rowTo, float cap) {
        // cap·tanh(s/cap) = cap − 2·cap / (e^(2s/cap) + 1), e^(2s/cap) = 2^(s·2·log2(e)/cap): one exp2 and
        // one division per score, no branch, in three passes over each panel's scores (the exponential
        // is VectorExp2's array pass: no vector crosses a call). The exponent is clamped below 2^126
        // (exp2 is undefined above 2^127; tanh is 1 in float long before); below −125 exp2 gives 0 and
        // the result −cap. Absolute error about 1 ulp of cap (the subtraction), so ~1e-7·cap.
        float toExponent = (float) (2.0 / Math.log(2.0) / cap);
        FloatVector capVector = FloatVector.broadcast(SPECIES, cap);
        FloatVector twiceCap = FloatVector.broadcast(SPECIES, 2f * cap);
        for (int r = rowFrom; r < rowTo; r += TILE_WIDTH) {
            int first = TilePlan.panelIndex(r, 0, KEY_BLOCK, TILE_WIDTH), end = first + keyCount * TILE_WIDTH;
            for (int at = first; at < end; at += LANES) {
                FloatVector.fromArray(SPECIES, scoresT, at).mul(toExponent).min(126f).intoArray(scoresT, at);
            }
            VectorExp2.exp2Panels(scoresT, first, end, null, 0, null, null, 0);
            for (int at = first; at < end; at += LANES) {
                capVector.sub(twiceCap.div(FloatVector.fromArray(SPECIES, scoresT, at).add(1f))).intoArray(scoresT, at);
            }
        }
    }

    @Override
    public void addDistanceBias(float[] scoresT, int keyCount, int rowFrom, int rowTo, int firstKey, float[] rowSlope,
                                float[] rowPosition) {
        for (int r = rowFrom; r < rowTo; r += LANES) {
            FloatVector slope = FloatVector.fromArray(SPECIES, rowSlope, r);
            FloatVector position = FloatVector.fromArray(SPECIES, rowPosition, r);
            for (int c = 0, at = TilePlan.panelIndex(r, 0, KEY_BLOCK, TILE_WIDTH); c < keyCount; c++, at += TILE_WIDTH) {
                FloatVector distance = position.sub(firstKey + c).abs();
                distance.fma(slope, FloatVector.fromArray(SPECIES, scoresT, at)).intoArray(scoresT, at);
            }
        }
    }

    @Override
    public void accumulateValues(float[] probsT, int keyCount, int rowFrom, int rowTo, float[] alpha, float[] valuesT,
                                 int valuesFirst, int paddedDim, float[] accT, int[] halfKeys) {
        // The same tile as the scores: transposed values broadcast, probability panels loaded. Depth 0
        // (a panel that sees none of these keys) still rescales the accumulators by alpha. On an edge
        // block both halves of a panel run over the keys they share, then each half alone over its own.
        for (int r = rowFrom, h = rowFrom / TILE_WIDTH * 4; r < rowTo; r += TILE_WIDTH, h += 4) {
            if (halfKeys == null) {
                for (int d = 0; d < paddedDim; d += ROWS) {
                    valueTile(probsT, r, alpha, valuesT, valuesFirst, paddedDim, accT, d, 0, keyCount, 0);
                }
                continue;
            }
            int from0 = Math.min(halfKeys[h], keyCount), to0 = Math.clamp(halfKeys[h + 1], from0, keyCount);
            int from1 = Math.min(halfKeys[h + 2], keyCount), to1 = Math.clamp(halfKeys[h + 3], from1, keyCount);
            int shared = Math.max(from0, from1), sharedEnd = Math.max(shared, Math.min(to0, to1));
            // Each half's own keys: its range before and after the shared one (which may be empty).
            int before0 = Math.min(to0, shared), after0 = Math.max(from0, sharedEnd);
            int before1 = Math.min(to1, shared), after1 = Math.max(from1, sharedEnd);
            for (int d = 0; d < paddedDim; d += ROWS) {
                valueTile(probsT, r, alpha, valuesT, valuesFirst, paddedDim, accT, d, shared, sharedEnd, 0);
                valueTile(probsT, r, null, valuesT, valuesFirst, paddedDim, accT, d, from0, before0, 1);
                valueTile(probsT, r, null, valuesT, valuesFirst, paddedDim, accT, d, after0, to0, 1);
                valueTile(probsT, r, null, valuesT, valuesFirst, paddedDim, accT, d, from1, before1, 2);
                valueTile(probsT, r, null, valuesT, valuesFirst, paddedDim, accT, d, after1, to1, 2);
            }
        }
    }

    /** Ones: the scale of a half tile that adds to accumulators already rescaled. */
    private static final float[] ONES = ones();

    private static float[] ones() {
        float[] ones = new float[LANES];
        Arrays.fill(ones, 1f);
        return ones;
    }

    /**
     * Value rows {@code [d, d + ROWS)} of query panel {@code r} over keys {@code [from, to)}: both halves
     * rescaled by {@code alpha} ({@code half} 0), or one half (1, 2) added to as it is ({@code alpha} is
     * then not read: the shared keys' call has rescaled it).
     */
    private static void valueTile(float[] probsT, int r, float[] alpha, float[] valuesT, int valuesFirst,
                                  int paddedDim, float[] accT, int d, int from, int to, int half) {
        int a = valuesFirst + d * KEY_BLOCK + from, b = r * KEY_BLOCK + from * TILE_WIDTH;
        int out = r * paddedDim + d * TILE_WIDTH;
        if (half == 0) {
            tile(valuesT, a, KEY_BLOCK, to - from, probsT, b, accT, out, alpha, r);
        } else if (to > from) {
            int lane = half == 1 ? 0 : LANES;
            halfTile(valuesT, a, KEY_BLOCK, to - from, probsT, b + lane, accT, out + lane, ONES, 0);
        }
    }

    /**
     * Lane offsets {@code {0, W, 2W, …}} of a gather down one row of a panel-major tile. The transposes
     * between rows and panels gather whole vectors (vgatherdps on AVX2); element by element they took
     * 15–20 % of a 512-key window call.
     */
    private static final int[] PANEL_ROW = laneOffsets(TILE_WIDTH);

    private static int[] laneOffsets(int stride) {
        int[] offsets = new int[LANES];
        for (int lane = 0; lane < LANES; lane++) {
            offsets[lane] = lane * stride;
        }
        return offsets;
    }

    @Override
    public void packQueryPanel(float[] src, int srcFirst, int rowStride, int[] rowOffsets, int headDim,
                               float factor, float[] queriesT, int at) {
        // One half of the panel at a time: rows 2 KiB apart (BSHD, H = 8) fall in two L1 sets per cache
        // line of the row, so a half's rows (8 per set) stay in L1 for all d, while both halves at once
        // (16 per set, 12 ways) were fetched again from L2 for every d. With 16 lanes, 16 × 16 blocks are
        // transposed in registers (RegisterTranspose); the other dims, and other widths, are gathered.
        int registerDims = RegisterTranspose.USABLE ? headDim / LANES * LANES : 0;
        for (int half = 0; half < TILE_WIDTH; half += LANES) {
            int first = srcFirst + half * rowStride;
            for (int d = 0; d < registerDims; d += LANES) {
                RegisterTranspose.transpose(src, first + d, rowStride, factor, queriesT, at + d * TILE_WIDTH + half,
                        TILE_WIDTH);
            }
            for (int d = registerDims, to = at + d * TILE_WIDTH + half; d < headDim; d++, to += TILE_WIDTH) {
                FloatVector.fromArray(SPECIES, src, first + d, rowOffsets, 0).mul(factor).intoArray(queriesT, to);
            }
        }
    }

    @Override
    public void copyRows(float[] src, int srcFirst, int rowStride, int count, int headDim, float[] dst, int at) {
        // Sixteen rows at a time, one vector of each in turn: the first pass issues sixteen independent
        // loads (rows 2 KiB apart in BSHD each miss), where a copy per row waited on one row at a time.
        int vectorDims = headDim / LANES * LANES, c = 0;
        for (; c + 16 <= count; c += 16) {
            for (int d = 0; d < vectorDims; d += LANES) {
                for (int i = c, from = srcFirst + c * rowStride + d, to = at + c * headDim + d; i < c + 16;
                     i++, from += rowStride, to += headDim) {
                    FloatVector.fromArray(SPECIES, src, from).intoArray(dst, to);
                }
            }
            if (vectorDims < headDim) {
                for (int i = c; i < c + 16; i++) {
                    System.arraycopy(src, srcFirst + i * rowStride + vectorDims, dst, at + i * headDim + vectorDims,
                            headDim - vectorDims);
                }
            }
        }
        for (; c < count; c++) {
            System.arraycopy(src, srcFirst + c * rowStride, dst, at + c * headDim, headDim);
        }
    }

    @Override
    public void widenRow(ElementType type, MemorySegment src, long byteOffset, float scale, float[] dst, int at,
                         int n) {
        PanamaWidening.widenRow(type, src, byteOffset, scale, dst, at, n);
    }

    @Override
    public void widenRows(ElementType type, MemorySegment src, Object heapBase, long firstByte, long strideBytes,
                          int count, int n, float[] scales, int scalesAt, float[] dst, int at) {
        PanamaWidening.widenRows(type, src, heapBase, firstByte, strideBytes, count, n, scales, scalesAt, dst, at);
    }

    @Override
    public boolean transposesRowsInPlace() {
        return RegisterTranspose.USABLE;
    }

    @Override
    public void transposeValueBlock(float[] src, int srcFirst, int rowStride, int[] rowOffsets, int keyCount,
                                    int headDim, float[] valuesT, int at) {
        int registerDims = RegisterTranspose.USABLE ? headDim / LANES * LANES : 0;
        int c = 0;
        for (; c + LANES <= keyCount; c += LANES) {
            for (int d = 0; d < registerDims; d += LANES) {
                RegisterTranspose.transpose(src, srcFirst + c * rowStride + d, rowStride, 1f, valuesT,
                        at + d * KEY_BLOCK + c, KEY_BLOCK);
            }
            for (int d = registerDims, from = srcFirst + c * rowStride + d, to = at + d * KEY_BLOCK + c; d < headDim;
                 d++, from++, to += KEY_BLOCK) {
                FloatVector.fromArray(SPECIES, src, from, rowOffsets, 0).intoArray(valuesT, to);
            }
        }
        for (; c < keyCount; c++) { // tail keys
            for (int d = 0; d < headDim; d++) {
                valuesT[at + d * KEY_BLOCK + c] = src[srcFirst + c * rowStride + d];
            }
        }
    }

    @Override
    public void unpackOutputPanel(float[] accT, int at, int real, int headDim, float[] inverse, float[] dst,
                                  int dstFirst, int rowStride) {
        int vectorDims = headDim / LANES * LANES;
        int j = 0;
        if (RegisterTranspose.USABLE) {
            // 16 rows at a time: 16 × 16 blocks transposed in registers, then each row scaled where it was
            // written (the transpose copies exactly: the same single rounding as the gathers). At n = 50,
            // D = 32 the gathers were 16 % of a call and such calls run 43–83 % faster now; long calls
            // unpack rarely and read within −3 … +1 % (docs/perf-log/2026-12-08.md).
            for (; j + LANES <= real; j += LANES) {
                int rows = dstFirst + j * rowStride;
                for (int d = 0; d < vectorDims; d += LANES) {
                    RegisterTranspose.transpose(accT, at + d * TILE_WIDTH + j, TILE_WIDTH, 1f, dst, rows + d,
                            rowStride);
                }
                for (int i = 0, row = rows; i < LANES; i++, row += rowStride) {
                    float scale = inverse[j + i];
                    for (int d = 0; d < vectorDims; d += LANES) {
                        FloatVector.fromArray(SPECIES, dst, row + d).mul(scale).intoArray(dst, row + d);
                    }
                    for (int d = vectorDims; d < headDim; d++) { // tail dims
                        dst[row + d] = accT[at + d * TILE_WIDTH + j + i] * scale;
                    }
                }
            }
        }
        // The rest (all rows without 16-lane transposes) row by row with gathers.
        for (int row = dstFirst + j * rowStride; j < real; j++, row += rowStride) {
            float scale = inverse[j];
            int d = 0;
            for (; d < vectorDims; d += LANES) {
                FloatVector.fromArray(SPECIES, accT, at + d * TILE_WIDTH + j, PANEL_ROW, 0).mul(scale)
                        .intoArray(dst, row + d);
            }
            for (; d < headDim; d++) { // tail dims
                dst[row + d] = accT[at + d * TILE_WIDTH + j] * scale;
            }
        }
    }

    private static void tile(float[] a, int aFirst, int aRowStride, int depth, float[] b, int bFirst, float[] c,
                             int cFirst, float[] scale, int scaleFirst) {
        if (ROWS == 8) {
            MicroKernels.tile8x2(a, aFirst, aRowStride, depth, b, bFirst, c, cFirst, TILE_WIDTH, scale, scaleFirst, false);
        } else {
            MicroKernels.tile6x2(a, aFirst, aRowStride, depth, b, bFirst, c, cFirst, TILE_WIDTH, scale, scaleFirst, false);
        }
    }

    private static void halfTile(float[] a, int aFirst, int aRowStride, int depth, float[] b, int bFirst, float[] c,
                                 int cFirst, float[] scale, int scaleFirst) {
        if (ROWS == 8) {
            MicroKernels.tile8x1(a, aFirst, aRowStride, depth, b, bFirst, c, cFirst, TILE_WIDTH, scale, scaleFirst, false);
        } else {
            MicroKernels.tile6x1(a, aFirst, aRowStride, depth, b, bFirst, c, cFirst, TILE_WIDTH, scale, scaleFirst, false);
        }
    }

    @Override
    public float fmaChains(long iterations) {
        // Written acc = b·a + acc (the carried value is the addend): C2 then emits one vfmadd231 per
        // step. With the carried value as a multiplicand (x·a + b) it reached only ~80 % of this.
        FloatVector a = FloatVector.broadcast(SPECIES, 0.999f);
        FloatVector b0 = FloatVector.broadcast(SPECIES, 1e-3f), b1 = FloatVector.broadcast(SPECIES, 2e-3f);
        FloatVector x0 = FloatVector.broadcast(SPECIES, 1f), x1 = x0.add(1f), x2 = x0.add(2f), x3 = x0.add(3f);
        FloatVector x4 = x0.add(4f), x5 = x0.add(5f), x6 = x0.add(6f), x7 = x0.add(7f);
        FloatVector x8 = x0.add(8f), x9 = x0.add(9f), x10 = x0.add(10f), x11 = x0.add(11f);
        for (long i = 0; i < iterations; i++) {
            x0 = b0.fma(a, x0); x1 = b1.fma(a, x1); x2 = b0.fma(a, x2); x3 = b1.fma(a, x3);
            x4 = b0.fma(a, x4); x5 = b1.fma(a, x5); x6 = b0.fma(a, x6); x7 = b1.fma(a, x7);
            x8 = b0.fma(a, x8); x9 = b1.fma(a, x9); x10 = b0.fma(a, x10); x11 = b1.fma(a, x11);
        }
        return x0.add(x1).add(x2).add(x3).add(x4).add(x5).add(x6).add(x7).add(x8).add(x9).add(x10).add(x11)
                .reduceLanes(VectorOperators.ADD);
    }

    @Override
    public float sumStream(float[] data, int from, int to) {
        // Four accumulators of four vectors' loads each step: 4 × 64 B lines in flight per step at 512 bits.
        FloatVector s0 = FloatVector.zero(SPECIES), s1 = s0, s2 = s0, s3 = s0;
        int i = from;
        for (; i + 4 * LANES <= to; i += 4 * LANES) {
            s0 = s0.add(FloatVector.fromArray(SPECIES, data, i));
            s1 = s1.add(FloatVector.fromArray(SPECIES, data, i + LANES));
            s2 = s2.add(FloatVector.fromArray(SPECIES, data, i + 2 * LANES));
            s3 = s3.add(FloatVector.fromArray(SPECIES, data, i + 3 * LANES));
        }
        float sum = s0.add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) {
            sum += data[i];
        }
        return sum;
    }
}
