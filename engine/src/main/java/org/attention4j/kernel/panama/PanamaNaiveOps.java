package org.attention4j.kernel.panama;

import static org.attention4j.kernel.panama.PanamaConstants.LANES;
import static org.attention4j.kernel.panama.PanamaConstants.SPECIES;
import static org.attention4j.kernel.panama.PanamaConstants.TILE_WIDTH;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.attention4j.kernel.NaiveOps;

/**
 * {@link NaiveOps} with the Vector API. The score row keeps 8 vectors of keys in registers over the
 * whole head dimension (8 FMAs per broadcast); the weighted sum keeps 4 vectors of the output row and
 * two keys in flight (8 chains). Tails are done in
 * scalar code: the naive peer need not be clever, only not slow.
 */
final class PanamaNaiveOps implements NaiveOps {
    private static final int BLOCK = 8 * LANES;

    @Override
    public void scoreRow(float[] query, int queryAt, float[] keysT, int keyCount, int headDim, float[] scores,
                         int at) {
        int j = 0;
        for (; j + BLOCK <= keyCount; j += BLOCK) { // 8 independent chains keep both FMA pipes busy
            FloatVector s0 = FloatVector.zero(SPECIES), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
            for (int d = 0, row = j; d < headDim; d++, row += keyCount) {
                FloatVector q = FloatVector.broadcast(SPECIES, query[queryAt + d]);
                s0 = FloatVector.fromArray(SPECIES, keysT, row).fma(q, s0);
                s1 = FloatVector.fromArray(SPECIES, keysT, row + LANES).fma(q, s1);
                s2 = FloatVector.fromArray(SPECIES, keysT, row + 2 * LANES).fma(q, s2);
                s3 = FloatVector.fromArray(SPECIES, keysT, row + 3 * LANES).fma(q, s3);
                s4 = FloatVector.fromArray(SPECIES, keysT, row + 4 * LANES).fma(q, s4);
                s5 = FloatVector.fromArray(SPECIES, keysT, row + 5 * LANES).fma(q, s5);
                s6 = FloatVector.fromArray(SPECIES, keysT, row + 6 * LANES).fma(q, s6);
                s7 = FloatVector.fromArray(SPECIES, keysT, row + 7 * LANES).fma(q, s7);
            }
            s0.intoArray(scores, at + j);
            s1.intoArray(scores, at + j + LANES);
            s2.intoArray(scores, at + j + 2 * LANES);
            s3.intoArray(scores, at + j + 3 * LANES);
            s4.intoArray(scores, at + j + 4 * LANES);
            s5.intoArray(scores, at + j + 5 * LANES);
            s6.intoArray(scores, at + j + 6 * LANES);
            s7.intoArray(scores, at + j + 7 * LANES);
        }
        for (; j + LANES <= keyCount; j += LANES) {
            FloatVector s0 = FloatVector.zero(SPECIES);
            for (int d = 0, row = j; d < headDim; d++, row += keyCount) {
                s0 = FloatVector.fromArray(SPECIES, keysT, row).fma(FloatVector.broadcast(SPECIES, query[queryAt + d]), s0);
            }
            s0.intoArray(scores, at + j);
        }
        for (; j < keyCount; j++) {
            float s = 0;
            for (int d = 0; d < headDim; d++) {
                s += query[queryAt + d] * keysT[d * keyCount + j];
            }
            scores[at + j] = s;
        }
    }

    @Override
    public void softmaxRow(float[] scores, int at, int count) {
        int vectorEnd = SPECIES.loopBound(count);
        FloatVector maxes = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < vectorEnd; j += LANES) {
            maxes = maxes.max(FloatVector.fromArray(SPECIES, scores, at + j));
        }
        float max = maxes.reduceLanes(VectorOperators.MAX);
        for (int j = vectorEnd; j < count; j++) {
            max = Math.max(max, scores[at + j]);
        }
        if (max == Float.NEGATIVE_INFINITY) {
            java.util.Arrays.fill(scores, at, at + count, 0f);
            return;
        }
        // p = exp2(s − max): shifted in place, exponentiated by VectorExp2's panel pass (only arrays cross
        // it) and its scalar twin on the rest of the row, then summed.
        for (int j = 0; j < vectorEnd; j += LANES) {
            FloatVector.fromArray(SPECIES, scores, at + j).sub(max).intoArray(scores, at + j);
        }
        for (int j = vectorEnd; j < count; j++) {
            scores[at + j] -= max;
        }
        int panelEnd = count / TILE_WIDTH * TILE_WIDTH;
        VectorExp2.exp2Panels(scores, at, at + panelEnd, null, 0, null, null, 0);
        for (int j = panelEnd; j < count; j++) {
            scores[at + j] = VectorExp2.exp2(scores[at + j]);
        }
        FloatVector sums = FloatVector.zero(SPECIES);
        for (int j = 0; j < vectorEnd; j += LANES) {
            sums = sums.add(FloatVector.fromArray(SPECIES, scores, at + j));
        }
        float sum = sums.reduceLanes(VectorOperators.ADD);
        for (int j = vectorEnd; j < count; j++) {
            sum += scores[at + j];
        }
        float inverse = 1f / sum;
        for (int j = 0; j < vectorEnd; j += LANES) {
            FloatVector.fromArray(SPECIES, scores, at + j).mul(inverse).intoArray(scores, at + j);
        }
        for (int j = vectorEnd; j < count; j++) {
            scores[at + j] *= inverse;
        }
    }

    @Override
    public void weightedSum(float[] probs, int at, int count, float[] values, int headDim, float[] out, int outAt) {
        int d = 0;
        for (; d + 4 * LANES <= headDim; d += 4 * LANES) { // two keys per step: 8 independent chains
            FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0, a2 = a0, a3 = a0;
            FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            int j = 0;
            for (int row = d; j + 1 < count; j += 2, row += 2 * headDim) {
                FloatVector p = FloatVector.broadcast(SPECIES, probs[at + j]);
                FloatVector r = FloatVector.broadcast(SPECIES, probs[at + j + 1]);
                int next = row + headDim;
                a0 = FloatVector.fromArray(SPECIES, values, row).fma(p, a0);
                a1 = FloatVector.fromArray(SPECIES, values, row + LANES).fma(p, a1);
                a2 = FloatVector.fromArray(SPECIES, values, row + 2 * LANES).fma(p, a2);
                a3 = FloatVector.fromArray(SPECIES, values, row + 3 * LANES).fma(p, a3);
                b0 = FloatVector.fromArray(SPECIES, values, next).fma(r, b0);
                b1 = FloatVector.fromArray(SPECIES, values, next + LANES).fma(r, b1);
                b2 = FloatVector.fromArray(SPECIES, values, next + 2 * LANES).fma(r, b2);
                b3 = FloatVector.fromArray(SPECIES, values, next + 3 * LANES).fma(r, b3);
            }
            if (j < count) {
                FloatVector p = FloatVector.broadcast(SPECIES, probs[at + j]);
                int row = j * headDim + d;
                a0 = FloatVector.fromArray(SPECIES, values, row).fma(p, a0);
                a1 = FloatVector.fromArray(SPECIES, values, row + LANES).fma(p, a1);
                a2 = FloatVector.fromArray(SPECIES, values, row + 2 * LANES).fma(p, a2);
                a3 = FloatVector.fromArray(SPECIES, values, row + 3 * LANES).fma(p, a3);
            }
            a0.add(b0).intoArray(out, outAt + d);
            a1.add(b1).intoArray(out, outAt + d + LANES);
            a2.add(b2).intoArray(out, outAt + d + 2 * LANES);
            a3.add(b3).intoArray(out, outAt + d + 3 * LANES);
        }
        for (; d + LANES <= headDim; d += LANES) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int j = 0, row = d; j < count; j++, row += headDim) {
                acc = FloatVector.fromArray(SPECIES, values, row).fma(FloatVector.broadcast(SPECIES, probs[at + j]), acc);
            }
            acc.intoArray(out, outAt + d);
        }
        for (; d < headDim; d++) {
            float acc = 0;
            for (int j = 0; j < count; j++) {
                acc += probs[at + j] * values[j * headDim + d];
            }
            out[outAt + d] = acc;
        }
    }
}
