package org.attention4j.kernel.panama;

import static org.attention4j.kernel.panama.PanamaConstants.LANES;
import static org.attention4j.kernel.panama.PanamaConstants.SPECIES;

import jdk.incubator.vector.FloatVector;

/**
 * Micro-kernels of {@code acc = acc·alpha + P·V}: a tile of {@code R} query rows × {@code V} vectors of
 * the head dimension loads its accumulators once, rescales them by the rows' {@code alpha} (the online
 * softmax correction, fused here so acc is touched once per block), then runs over the block's keys
 * broadcasting one probability per row and loading {@code V} value vectors. Names give R×V.
 */
final class ValueMicroKernels {
    private ValueMicroKernels() {}

    /** 4 rows × 4 vectors: 16 accumulators, for 32-register machines (AVX-512). */
    static void rows4x4(float[] pT, int keyCount, int paddedRows, int r, float[] alpha, float[] values,
                        int paddedDim, int d, float[] acc) {
        int o0 = r * paddedDim + d, o1 = o0 + paddedDim, o2 = o1 + paddedDim, o3 = o2 + paddedDim;
        FloatVector s = FloatVector.broadcast(SPECIES, alpha[r]);
        FloatVector a00 = load(acc, o0, 0).mul(s), a01 = load(acc, o0, 1).mul(s);
        FloatVector a02 = load(acc, o0, 2).mul(s), a03 = load(acc, o0, 3).mul(s);
        s = FloatVector.broadcast(SPECIES, alpha[r + 1]);
        FloatVector a10 = load(acc, o1, 0).mul(s), a11 = load(acc, o1, 1).mul(s);
        FloatVector a12 = load(acc, o1, 2).mul(s), a13 = load(acc, o1, 3).mul(s);
        s = FloatVector.broadcast(SPECIES, alpha[r + 2]);
        FloatVector a20 = load(acc, o2, 0).mul(s), a21 = load(acc, o2, 1).mul(s);
        FloatVector a22 = load(acc, o2, 2).mul(s), a23 = load(acc, o2, 3).mul(s);
        s = FloatVector.broadcast(SPECIES, alpha[r + 3]);
        FloatVector a30 = load(acc, o3, 0).mul(s), a31 = load(acc, o3, 1).mul(s);
        FloatVector a32 = load(acc, o3, 2).mul(s), a33 = load(acc, o3, 3).mul(s);
        for (int c = 0; c < keyCount; c++) {
            int at = c * paddedDim + d;
            FloatVector v0 = load(values, at, 0), v1 = load(values, at, 1);
            FloatVector v2 = load(values, at, 2), v3 = load(values, at, 3);
            int p = c * paddedRows + r;
            FloatVector b = FloatVector.broadcast(SPECIES, pT[p]);
            a00 = v0.fma(b, a00); a01 = v1.fma(b, a01); a02 = v2.fma(b, a02); a03 = v3.fma(b, a03);
            b = FloatVector.broadcast(SPECIES, pT[p + 1]);
            a10 = v0.fma(b, a10); a11 = v1.fma(b, a11); a12 = v2.fma(b, a12); a13 = v3.fma(b, a13);
            b = FloatVector.broadcast(SPECIES, pT[p + 2]);
            a20 = v0.fma(b, a20); a21 = v1.fma(b, a21); a22 = v2.fma(b, a22); a23 = v3.fma(b, a23);
            b = FloatVector.broadcast(SPECIES, pT[p + 3]);
            a30 = v0.fma(b, a30); a31 = v1.fma(b, a31); a32 = v2.fma(b, a32); a33 = v3.fma(b, a33);
        }
        store4(acc, o0, a00, a01, a02, a03);
        store4(acc, o1, a10, a11, a12, a13);
        store4(acc, o2, a20, a21, a22, a23);
        store4(acc, o3, a30, a31, a32, a33);
    }

    /** 2 rows × 4 vectors: 8 accumulators, for 16-register machines (AVX2). */
    static void rows2x4(float[] pT, int keyCount, int paddedRows, int r, float[] alpha, float[] values,
                        int paddedDim, int d, float[] acc) {
        int o0 = r * paddedDim + d, o1 = o0 + paddedDim;
        FloatVector s = FloatVector.broadcast(SPECIES, alpha[r]);
        FloatVector a00 = load(acc, o0, 0).mul(s), a01 = load(acc, o0, 1).mul(s);
        FloatVector a02 = load(acc, o0, 2).mul(s), a03 = load(acc, o0, 3).mul(s);
        s = FloatVector.broadcast(SPECIES, alpha[r + 1]);
        FloatVector a10 = load(acc, o1, 0).mul(s), a11 = load(acc, o1, 1).mul(s);
        FloatVector a12 = load(acc, o1, 2).mul(s), a13 = load(acc, o1, 3).mul(s);
        for (int c = 0; c < keyCount; c++) {
            int at = c * paddedDim + d;
            FloatVector v0 = load(values, at, 0), v1 = load(values, at, 1);
            FloatVector v2 = load(values, at, 2), v3 = load(values, at, 3);
            int p = c * paddedRows + r;
            FloatVector b0 = FloatVector.broadcast(SPECIES, pT[p]);
            FloatVector b1 = FloatVector.broadcast(SPECIES, pT[p + 1]);
            a00 = v0.fma(b0, a00); a01 = v1.fma(b0, a01); a02 = v2.fma(b0, a02); a03 = v3.fma(b0, a03);
            a10 = v0.fma(b1, a10); a11 = v1.fma(b1, a11); a12 = v2.fma(b1, a12); a13 = v3.fma(b1, a13);
        }
        store4(acc, o0, a00, a01, a02, a03);
        store4(acc, o1, a10, a11, a12, a13);
    }

    /** 4 rows × 1 vector: the tail when fewer than 4 head-dim vectors remain. */
    static void rows4x1(float[] pT, int keyCount, int paddedRows, int r, float[] alpha, float[] values,
                        int paddedDim, int d, float[] acc) {
        int o0 = r * paddedDim + d, o1 = o0 + paddedDim, o2 = o1 + paddedDim, o3 = o2 + paddedDim;
        FloatVector a0 = load(acc, o0, 0).mul(alpha[r]);
        FloatVector a1 = load(acc, o1, 0).mul(alpha[r + 1]);
        FloatVector a2 = load(acc, o2, 0).mul(alpha[r + 2]);
        FloatVector a3 = load(acc, o3, 0).mul(alpha[r + 3]);
        for (int c = 0; c < keyCount; c++) {
            FloatVector v = load(values, c * paddedDim + d, 0);
            int p = c * paddedRows + r;
            a0 = v.fma(FloatVector.broadcast(SPECIES, pT[p]), a0);
            a1 = v.fma(FloatVector.broadcast(SPECIES, pT[p + 1]), a1);
            a2 = v.fma(FloatVector.broadcast(SPECIES, pT[p + 2]), a2);
            a3 = v.fma(FloatVector.broadcast(SPECIES, pT[p + 3]), a3);
        }
        a0.intoArray(acc, o0);
        a1.intoArray(acc, o1);
        a2.intoArray(acc, o2);
        a3.intoArray(acc, o3);
    }

    private static FloatVector load(float[] a, int at, int vector) {
        return FloatVector.fromArray(SPECIES, a, at + vector * LANES);
    }

    private static void store4(float[] dst, int at, FloatVector v0, FloatVector v1, FloatVector v2,
                               FloatVector v3) {
        v0.intoArray(dst, at);
        v1.intoArray(dst, at + LANES);
        v2.intoArray(dst, at + 2 * LANES);
        v3.intoArray(dst, at + 3 * LANES);
    }
}
