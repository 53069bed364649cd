package org.attention4j.kernel.panama;

import static org.attention4j.kernel.panama.PanamaConstants.FOUR_ROW_TILES;
import static org.attention4j.kernel.panama.PanamaConstants.LANES;
import static org.attention4j.kernel.panama.PanamaConstants.SPECIES;

import jdk.incubator.vector.FloatVector;
import org.attention4j.kernel.TileOps;

/**
 * Vector API tile primitives. The two products are register-blocked micro-GEMMs: a micro-tile keeps
 * its accumulators in registers over the whole reduction and streams one operand as vectors and the
 * other as broadcasts. Tile shapes are fixed per width by {@link PanamaConstants#FOUR_ROW_TILES}; see
 * {@link ScoreMicroKernels} and {@link ValueMicroKernels}. Reached by name from
 * {@code TileOpsProvider} only when {@code jdk.incubator.vector} is present.
 */
public final class PanamaTileOps implements TileOps {
    private static final int TILE_WIDTH = 4 * LANES;

    @Override
    public String name() {
        return "vector-" + SPECIES.vectorBitSize();
    }

    @Override
    public int lanes() {
        return LANES;
    }

    @Override
    public int rowMultiple() {
        return LANES;
    }

    @Override
    public void scoresTransposed(float[] keys, int keyRows, int headDim, float[] queriesT, int paddedRows,
                                 float[] scoresT) {
        for (int c = 0; c < keyRows; c += 4) {
            int r = 0;
            for (; r + TILE_WIDTH <= paddedRows; r += TILE_WIDTH) {
                if (FOUR_ROW_TILES) {
                    ScoreMicroKernels.keys4x4(keys, c, headDim, queriesT, paddedRows, r, scoresT);
                } else {
                    ScoreMicroKernels.keys2x4(keys, c, headDim, queriesT, paddedRows, r, scoresT);
                    ScoreMicroKernels.keys2x4(keys, c + 2, headDim, queriesT, paddedRows, r, scoresT);
                }
            }
            for (; r < paddedRows; r += LANES) { // column tail: fewer than 4 vectors of queries left
                ScoreMicroKernels.keys4x1(keys, c, headDim, queriesT, paddedRows, r, scoresT);
            }
        }
    }

    @Override
    public void softmaxUpdate(float[] scoresT, int keyCount, int paddedRows, float[] rowMax, float[] rowSum,
                              float[] alpha) {
        FloatVector negativeInfinity = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        for (int r = 0; r < paddedRows; r += LANES) {
            // Each lane is one query row; the softmax runs down the column: no lane reductions.
            FloatVector blockMax = negativeInfinity;
            for (int c = 0; c < keyCount; c++) {
                blockMax = blockMax.max(FloatVector.fromArray(SPECIES, scoresT, c * paddedRows + r));
            }
            FloatVector mOld = FloatVector.fromArray(SPECIES, rowMax, r);
            FloatVector mNew = mOld.max(blockMax);
            FloatVector mSafe = mNew.blend(0f, mNew.eq(Float.NEGATIVE_INFINITY)); // no −∞ − −∞ = NaN
            FloatVector sum = FloatVector.zero(SPECIES);
            for (int c = 0; c < keyCount; c++) {
                int at = c * paddedRows + r;
                FloatVector p = VectorExp2.exp2(FloatVector.fromArray(SPECIES, scoresT, at).sub(mSafe));
                p.intoArray(scoresT, at);
                sum = sum.add(p);
            }
            FloatVector a = VectorExp2.exp2(mOld.sub(mSafe));
            a.intoArray(alpha, r);
            // l = l · exp2(m_old − m_new) + rowsum(P)
            FloatVector.fromArray(SPECIES, rowSum, r).fma(a, sum).intoArray(rowSum, r);
            mNew.intoArray(rowMax, r);
        }
    }

    @Override
    public void accumulateValues(float[] probsT, int keyCount, int paddedRows, float[] alpha, float[] values,
                                 int paddedDim, float[] acc) {
        for (int r = 0; r < paddedRows; r += 4) {
            int d = 0;
            for (; d + TILE_WIDTH <= paddedDim; d += TILE_WIDTH) {
                if (FOUR_ROW_TILES) {
                    ValueMicroKernels.rows4x4(probsT, keyCount, paddedRows, r, alpha, values, paddedDim, d, acc);
                } else {
                    ValueMicroKernels.rows2x4(probsT, keyCount, paddedRows, r, alpha, values, paddedDim, d, acc);
                    ValueMicroKernels.rows2x4(probsT, keyCount, paddedRows, r + 2, alpha, values, paddedDim, d, acc);
                }
            }
            for (; d < paddedDim; d += LANES) { // head-dim tail: fewer than 4 vectors left
                ValueMicroKernels.rows4x1(probsT, keyCount, paddedRows, r, alpha, values, paddedDim, d, acc);
            }
        }
    }

    @Override
    public float fmaChains(long iterations) {
        FloatVector a = FloatVector.broadcast(SPECIES, 0.999f);
        FloatVector b = FloatVector.broadcast(SPECIES, 1e-3f);
        FloatVector x0 = FloatVector.broadcast(SPECIES, 1f), x1 = x0.add(1f), x2 = x0.add(2f), x3 = x0.add(3f);
        FloatVector x4 = x0.add(4f), x5 = x0.add(5f), x6 = x0.add(6f), x7 = x0.add(7f);
        FloatVector x8 = x0.add(8f), x9 = x0.add(9f), x10 = x0.add(10f), x11 = x0.add(11f);
        for (long i = 0; i < iterations; i++) {
            x0 = x0.fma(a, b); x1 = x1.fma(a, b); x2 = x2.fma(a, b); x3 = x3.fma(a, b);
            x4 = x4.fma(a, b); x5 = x5.fma(a, b); x6 = x6.fma(a, b); x7 = x7.fma(a, b);
            x8 = x8.fma(a, b); x9 = x9.fma(a, b); x10 = x10.fma(a, b); x11 = x11.fma(a, b);
        }
        return x0.add(x1).add(x2).add(x3).add(x4).add(x5).add(x6).add(x7).add(x8).add(x9).add(x10).add(x11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
