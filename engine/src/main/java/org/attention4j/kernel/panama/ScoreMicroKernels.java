package org.attention4j.kernel.panama;

import static org.attention4j.kernel.panama.PanamaConstants.LANES;
import static org.attention4j.kernel.panama.PanamaConstants.SPECIES;

import jdk.incubator.vector.FloatVector;

/**
 * Micro-kernels of {@code scoresT = K · Qᵀ}: a tile of {@code R} keys × {@code V} query vectors keeps
 * its {@code R·V} accumulators in registers while {@code d} runs over the head dimension, broadcasting
 * one key element per key and loading {@code V} contiguous query vectors per step. Names give R×V.
 * The unrolling is by hand because accumulators in an array would live in memory, not registers.
 */
final class ScoreMicroKernels {
    private ScoreMicroKernels() {}

    /** 4 keys × 4 vectors: 16 accumulators, for 32-register machines (AVX-512). */
    static void keys4x4(float[] keys, int c, int headDim, float[] qT, int paddedRows, int r, float[] sT) {
        FloatVector a00 = FloatVector.zero(SPECIES), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        int k0 = c * headDim, k1 = k0 + headDim, k2 = k1 + headDim, k3 = k2 + headDim;
        for (int d = 0; d < headDim; d++) {
            int at = d * paddedRows + r;
            FloatVector q0 = FloatVector.fromArray(SPECIES, qT, at);
            FloatVector q1 = FloatVector.fromArray(SPECIES, qT, at + LANES);
            FloatVector q2 = FloatVector.fromArray(SPECIES, qT, at + 2 * LANES);
            FloatVector q3 = FloatVector.fromArray(SPECIES, qT, at + 3 * LANES);
            FloatVector b = FloatVector.broadcast(SPECIES, keys[k0 + d]);
            a00 = q0.fma(b, a00); a01 = q1.fma(b, a01); a02 = q2.fma(b, a02); a03 = q3.fma(b, a03);
            b = FloatVector.broadcast(SPECIES, keys[k1 + d]);
            a10 = q0.fma(b, a10); a11 = q1.fma(b, a11); a12 = q2.fma(b, a12); a13 = q3.fma(b, a13);
            b = FloatVector.broadcast(SPECIES, keys[k2 + d]);
            a20 = q0.fma(b, a20); a21 = q1.fma(b, a21); a22 = q2.fma(b, a22); a23 = q3.fma(b, a23);
            b = FloatVector.broadcast(SPECIES, keys[k3 + d]);
            a30 = q0.fma(b, a30); a31 = q1.fma(b, a31); a32 = q2.fma(b, a32); a33 = q3.fma(b, a33);
        }
        int s0 = c * paddedRows + r, s1 = s0 + paddedRows, s2 = s1 + paddedRows, s3 = s2 + paddedRows;
        store4(sT, s0, a00, a01, a02, a03);
        store4(sT, s1, a10, a11, a12, a13);
        store4(sT, s2, a20, a21, a22, a23);
        store4(sT, s3, a30, a31, a32, a33);
    }

    /** 2 keys × 4 vectors: 8 accumulators, for 16-register machines (AVX2). */
    static void keys2x4(float[] keys, int c, int headDim, float[] qT, int paddedRows, int r, float[] sT) {
        FloatVector a00 = FloatVector.zero(SPECIES), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        int k0 = c * headDim, k1 = k0 + headDim;
        for (int d = 0; d < headDim; d++) {
            int at = d * paddedRows + r;
            FloatVector q0 = FloatVector.fromArray(SPECIES, qT, at);
            FloatVector q1 = FloatVector.fromArray(SPECIES, qT, at + LANES);
            FloatVector q2 = FloatVector.fromArray(SPECIES, qT, at + 2 * LANES);
            FloatVector q3 = FloatVector.fromArray(SPECIES, qT, at + 3 * LANES);
            FloatVector b0 = FloatVector.broadcast(SPECIES, keys[k0 + d]);
            FloatVector b1 = FloatVector.broadcast(SPECIES, keys[k1 + d]);
            a00 = q0.fma(b0, a00); a01 = q1.fma(b0, a01); a02 = q2.fma(b0, a02); a03 = q3.fma(b0, a03);
            a10 = q0.fma(b1, a10); a11 = q1.fma(b1, a11); a12 = q2.fma(b1, a12); a13 = q3.fma(b1, a13);
        }
        int s0 = c * paddedRows + r;
        store4(sT, s0, a00, a01, a02, a03);
        store4(sT, s0 + paddedRows, a10, a11, a12, a13);
    }

    /** 4 keys × 1 vector: the tail when fewer than 4 query vectors remain. */
    static void keys4x1(float[] keys, int c, int headDim, float[] qT, int paddedRows, int r, float[] sT) {
        FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0, a2 = a0, a3 = a0;
        int k0 = c * headDim, k1 = k0 + headDim, k2 = k1 + headDim, k3 = k2 + headDim;
        for (int d = 0; d < headDim; d++) {
            FloatVector q = FloatVector.fromArray(SPECIES, qT, d * paddedRows + r);
            a0 = q.fma(FloatVector.broadcast(SPECIES, keys[k0 + d]), a0);
            a1 = q.fma(FloatVector.broadcast(SPECIES, keys[k1 + d]), a1);
            a2 = q.fma(FloatVector.broadcast(SPECIES, keys[k2 + d]), a2);
            a3 = q.fma(FloatVector.broadcast(SPECIES, keys[k3 + d]), a3);
        }
        int s0 = c * paddedRows + r;
        a0.intoArray(sT, s0);
        a1.intoArray(sT, s0 + paddedRows);
        a2.intoArray(sT, s0 + 2 * paddedRows);
        a3.intoArray(sT, s0 + 3 * paddedRows);
    }

    private static void store4(float[] dst, int at, FloatVector v0, FloatVector v1, FloatVector v2,
                               FloatVector v3) {
        v0.intoArray(dst, at);
        v1.intoArray(dst, at + LANES);
        v2.intoArray(dst, at + 2 * LANES);
        v3.intoArray(dst, at + 3 * LANES);
    }
}
