package org.attention4j.kernel.panama;

import static org.attention4j.kernel.panama.PanamaConstants.LANES;
import static org.attention4j.kernel.panama.PanamaConstants.SPECIES;
import static org.attention4j.kernel.panama.PanamaConstants.TILE_WIDTH;

import jdk.incubator.vector.FloatVector;

/**
 * The register-blocked micro-kernel behind both products ({@code S = K·Qᵀ} and {@code Oᵀ = Vᵀ·P}):
 * <pre>
 *   c(i) = scale · c(i) + Σ_{k < depth} a[aFirst + i·aRowStride + k] · b(k)      for i < R
 * </pre>
 * where {@code b(k)} is 2 vectors at {@code b[bFirst + k·TILE_WIDTH]} (one panel row), {@code c(i)} is 2
 * vectors at {@code c[cFirst + i·TILE_WIDTH]}, {@code scale} is 2 vectors at {@code scale[scaleFirst]},
 * and {@code c} starts from zero when {@code scale} is null. The 2R accumulators stay in registers over
 * the whole reduction. R is 6 with 16 vector registers (12 accumulators + 2 loads + 1 broadcast; 3×4
 * spilled, 2×4 and 4×2 were 15–30 % slower on Zen 3) and 8 with 32 (AVX-512).
 *
 * <p>Both indices inside the loop move by compile-time constants (1 and TILE_WIDTH): that is what lets
 * C2 hoist the bounds checks; a stride known only at run time kept them and cost ~25 %. The same
 * kernel shape for the value product ran at half the speed when its broadcasts came from the
 * probabilities instead of the (transposed) values. Unrolled by hand: accumulators in an array would
 * live in memory, not registers.
 */
final class MicroKernels {
    private MicroKernels() {}

    /** 6 rows × 2 vectors: 12 accumulators + 2 loads + 1 broadcast live. */
    static void tile6x2(float[] a, int aFirst, int aRowStride, int depth, float[] b, int bFirst, float[] c,
                         int cFirst, float[] scale, int scaleFirst) {
        FloatVector c00, c01;
        FloatVector c10, c11;
        FloatVector c20, c21;
        FloatVector c30, c31;
        FloatVector c40, c41;
        FloatVector c50, c51;
        if (scale == null) {
            FloatVector zero = FloatVector.zero(SPECIES);
            c00 = zero; c01 = zero;
            c10 = zero; c11 = zero;
            c20 = zero; c21 = zero;
            c30 = zero; c31 = zero;
            c40 = zero; c41 = zero;
            c50 = zero; c51 = zero;
        } else {
            FloatVector s0 = FloatVector.fromArray(SPECIES, scale, scaleFirst);
            FloatVector s1 = FloatVector.fromArray(SPECIES, scale, scaleFirst + LANES);
            c00 = FloatVector.fromArray(SPECIES, c, cFirst + 0 * TILE_WIDTH).mul(s0);
            c01 = FloatVector.fromArray(SPECIES, c, cFirst + 0 * TILE_WIDTH + LANES).mul(s1);
            c10 = FloatVector.fromArray(SPECIES, c, cFirst + 1 * TILE_WIDTH).mul(s0);
            c11 = FloatVector.fromArray(SPECIES, c, cFirst + 1 * TILE_WIDTH + LANES).mul(s1);
            c20 = FloatVector.fromArray(SPECIES, c, cFirst + 2 * TILE_WIDTH).mul(s0);
            c21 = FloatVector.fromArray(SPECIES, c, cFirst + 2 * TILE_WIDTH + LANES).mul(s1);
            c30 = FloatVector.fromArray(SPECIES, c, cFirst + 3 * TILE_WIDTH).mul(s0);
            c31 = FloatVector.fromArray(SPECIES, c, cFirst + 3 * TILE_WIDTH + LANES).mul(s1);
            c40 = FloatVector.fromArray(SPECIES, c, cFirst + 4 * TILE_WIDTH).mul(s0);
            c41 = FloatVector.fromArray(SPECIES, c, cFirst + 4 * TILE_WIDTH + LANES).mul(s1);
            c50 = FloatVector.fromArray(SPECIES, c, cFirst + 5 * TILE_WIDTH).mul(s0);
            c51 = FloatVector.fromArray(SPECIES, c, cFirst + 5 * TILE_WIDTH + LANES).mul(s1);
        }
        int a0 = aFirst + 0 * aRowStride;
        int a1 = aFirst + 1 * aRowStride;
        int a2 = aFirst + 2 * aRowStride;
        int a3 = aFirst + 3 * aRowStride;
        int a4 = aFirst + 4 * aRowStride;
        int a5 = aFirst + 5 * aRowStride;
        for (int k = 0, bk = bFirst; k < depth; k++, bk += TILE_WIDTH) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bk), b1 = FloatVector.fromArray(SPECIES, b, bk + LANES);
            FloatVector x;
            x = FloatVector.broadcast(SPECIES, a[a0 + k]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(SPECIES, a[a1 + k]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(SPECIES, a[a2 + k]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(SPECIES, a[a3 + k]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(SPECIES, a[a4 + k]);
            c40 = b0.fma(x, c40); c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(SPECIES, a[a5 + k]);
            c50 = b0.fma(x, c50); c51 = b1.fma(x, c51);
        }
        c00.intoArray(c, cFirst + 0 * TILE_WIDTH); c01.intoArray(c, cFirst + 0 * TILE_WIDTH + LANES);
        c10.intoArray(c, cFirst + 1 * TILE_WIDTH); c11.intoArray(c, cFirst + 1 * TILE_WIDTH + LANES);
        c20.intoArray(c, cFirst + 2 * TILE_WIDTH); c21.intoArray(c, cFirst + 2 * TILE_WIDTH + LANES);
        c30.intoArray(c, cFirst + 3 * TILE_WIDTH); c31.intoArray(c, cFirst + 3 * TILE_WIDTH + LANES);
        c40.intoArray(c, cFirst + 4 * TILE_WIDTH); c41.intoArray(c, cFirst + 4 * TILE_WIDTH + LANES);
        c50.intoArray(c, cFirst + 5 * TILE_WIDTH); c51.intoArray(c, cFirst + 5 * TILE_WIDTH + LANES);
    }

    /** 8 rows × 2 vectors: 16 accumulators + 2 loads + 1 broadcast live. */
    static void tile8x2(float[] a, int aFirst, int aRowStride, int depth, float[] b, int bFirst, float[] c,
                         int cFirst, float[] scale, int scaleFirst) {
        FloatVector c00, c01;
        FloatVector c10, c11;
        FloatVector c20, c21;
        FloatVector c30, c31;
        FloatVector c40, c41;
        FloatVector c50, c51;
        FloatVector c60, c61;
        FloatVector c70, c71;
        if (scale == null) {
            FloatVector zero = FloatVector.zero(SPECIES);
            c00 = zero; c01 = zero;
            c10 = zero; c11 = zero;
            c20 = zero; c21 = zero;
            c30 = zero; c31 = zero;
            c40 = zero; c41 = zero;
            c50 = zero; c51 = zero;
            c60 = zero; c61 = zero;
            c70 = zero; c71 = zero;
        } else {
            FloatVector s0 = FloatVector.fromArray(SPECIES, scale, scaleFirst);
            FloatVector s1 = FloatVector.fromArray(SPECIES, scale, scaleFirst + LANES);
            c00 = FloatVector.fromArray(SPECIES, c, cFirst + 0 * TILE_WIDTH).mul(s0);
            c01 = FloatVector.fromArray(SPECIES, c, cFirst + 0 * TILE_WIDTH + LANES).mul(s1);
            c10 = FloatVector.fromArray(SPECIES, c, cFirst + 1 * TILE_WIDTH).mul(s0);
            c11 = FloatVector.fromArray(SPECIES, c, cFirst + 1 * TILE_WIDTH + LANES).mul(s1);
            c20 = FloatVector.fromArray(SPECIES, c, cFirst + 2 * TILE_WIDTH).mul(s0);
            c21 = FloatVector.fromArray(SPECIES, c, cFirst + 2 * TILE_WIDTH + LANES).mul(s1);
            c30 = FloatVector.fromArray(SPECIES, c, cFirst + 3 * TILE_WIDTH).mul(s0);
            c31 = FloatVector.fromArray(SPECIES, c, cFirst + 3 * TILE_WIDTH + LANES).mul(s1);
            c40 = FloatVector.fromArray(SPECIES, c, cFirst + 4 * TILE_WIDTH).mul(s0);
            c41 = FloatVector.fromArray(SPECIES, c, cFirst + 4 * TILE_WIDTH + LANES).mul(s1);
            c50 = FloatVector.fromArray(SPECIES, c, cFirst + 5 * TILE_WIDTH).mul(s0);
            c51 = FloatVector.fromArray(SPECIES, c, cFirst + 5 * TILE_WIDTH + LANES).mul(s1);
            c60 = FloatVector.fromArray(SPECIES, c, cFirst + 6 * TILE_WIDTH).mul(s0);
            c61 = FloatVector.fromArray(SPECIES, c, cFirst + 6 * TILE_WIDTH + LANES).mul(s1);
            c70 = FloatVector.fromArray(SPECIES, c, cFirst + 7 * TILE_WIDTH).mul(s0);
            c71 = FloatVector.fromArray(SPECIES, c, cFirst + 7 * TILE_WIDTH + LANES).mul(s1);
        }
        int a0 = aFirst + 0 * aRowStride;
        int a1 = aFirst + 1 * aRowStride;
        int a2 = aFirst + 2 * aRowStride;
        int a3 = aFirst + 3 * aRowStride;
        int a4 = aFirst + 4 * aRowStride;
        int a5 = aFirst + 5 * aRowStride;
        int a6 = aFirst + 6 * aRowStride;
        int a7 = aFirst + 7 * aRowStride;
        for (int k = 0, bk = bFirst; k < depth; k++, bk += TILE_WIDTH) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bk), b1 = FloatVector.fromArray(SPECIES, b, bk + LANES);
            FloatVector x;
            x = FloatVector.broadcast(SPECIES, a[a0 + k]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(SPECIES, a[a1 + k]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(SPECIES, a[a2 + k]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(SPECIES, a[a3 + k]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(SPECIES, a[a4 + k]);
            c40 = b0.fma(x, c40); c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(SPECIES, a[a5 + k]);
            c50 = b0.fma(x, c50); c51 = b1.fma(x, c51);
            x = FloatVector.broadcast(SPECIES, a[a6 + k]);
            c60 = b0.fma(x, c60); c61 = b1.fma(x, c61);
            x = FloatVector.broadcast(SPECIES, a[a7 + k]);
            c70 = b0.fma(x, c70); c71 = b1.fma(x, c71);
        }
        c00.intoArray(c, cFirst + 0 * TILE_WIDTH); c01.intoArray(c, cFirst + 0 * TILE_WIDTH + LANES);
        c10.intoArray(c, cFirst + 1 * TILE_WIDTH); c11.intoArray(c, cFirst + 1 * TILE_WIDTH + LANES);
        c20.intoArray(c, cFirst + 2 * TILE_WIDTH); c21.intoArray(c, cFirst + 2 * TILE_WIDTH + LANES);
        c30.intoArray(c, cFirst + 3 * TILE_WIDTH); c31.intoArray(c, cFirst + 3 * TILE_WIDTH + LANES);
        c40.intoArray(c, cFirst + 4 * TILE_WIDTH); c41.intoArray(c, cFirst + 4 * TILE_WIDTH + LANES);
        c50.intoArray(c, cFirst + 5 * TILE_WIDTH); c51.intoArray(c, cFirst + 5 * TILE_WIDTH + LANES);
        c60.intoArray(c, cFirst + 6 * TILE_WIDTH); c61.intoArray(c, cFirst + 6 * TILE_WIDTH + LANES);
        c70.intoArray(c, cFirst + 7 * TILE_WIDTH); c71.intoArray(c, cFirst + 7 * TILE_WIDTH + LANES);
    }

    /**
     * 6 rows × 1 vector: 6 accumulators. As {@link #tile6x2} on one half of a panel ({@code b(k)},
     * {@code c(i)} and {@code scale} one vector each): for the edge keys of a band that only one half
     * of a panel's rows sees.
     */
    static void tile6x1(float[] a, int aFirst, int aRowStride, int depth, float[] b, int bFirst, float[] c,
                         int cFirst, float[] scale, int scaleFirst) {
        FloatVector c0, c1, c2, c3, c4, c5;
        if (scale == null) {
            FloatVector zero = FloatVector.zero(SPECIES);
            c0 = zero; c1 = zero; c2 = zero; c3 = zero; c4 = zero; c5 = zero;
        } else {
            FloatVector s = FloatVector.fromArray(SPECIES, scale, scaleFirst);
            c0 = FloatVector.fromArray(SPECIES, c, cFirst + 0 * TILE_WIDTH).mul(s);
            c1 = FloatVector.fromArray(SPECIES, c, cFirst + 1 * TILE_WIDTH).mul(s);
            c2 = FloatVector.fromArray(SPECIES, c, cFirst + 2 * TILE_WIDTH).mul(s);
            c3 = FloatVector.fromArray(SPECIES, c, cFirst + 3 * TILE_WIDTH).mul(s);
            c4 = FloatVector.fromArray(SPECIES, c, cFirst + 4 * TILE_WIDTH).mul(s);
            c5 = FloatVector.fromArray(SPECIES, c, cFirst + 5 * TILE_WIDTH).mul(s);
        }
        int a0 = aFirst + 0 * aRowStride;
        int a1 = aFirst + 1 * aRowStride;
        int a2 = aFirst + 2 * aRowStride;
        int a3 = aFirst + 3 * aRowStride;
        int a4 = aFirst + 4 * aRowStride;
        int a5 = aFirst + 5 * aRowStride;
        for (int k = 0, bk = bFirst; k < depth; k++, bk += TILE_WIDTH) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bk);
            c0 = b0.fma(FloatVector.broadcast(SPECIES, a[a0 + k]), c0);
            c1 = b0.fma(FloatVector.broadcast(SPECIES, a[a1 + k]), c1);
            c2 = b0.fma(FloatVector.broadcast(SPECIES, a[a2 + k]), c2);
            c3 = b0.fma(FloatVector.broadcast(SPECIES, a[a3 + k]), c3);
            c4 = b0.fma(FloatVector.broadcast(SPECIES, a[a4 + k]), c4);
            c5 = b0.fma(FloatVector.broadcast(SPECIES, a[a5 + k]), c5);
        }
        c0.intoArray(c, cFirst + 0 * TILE_WIDTH);
        c1.intoArray(c, cFirst + 1 * TILE_WIDTH);
        c2.intoArray(c, cFirst + 2 * TILE_WIDTH);
        c3.intoArray(c, cFirst + 3 * TILE_WIDTH);
        c4.intoArray(c, cFirst + 4 * TILE_WIDTH);
        c5.intoArray(c, cFirst + 5 * TILE_WIDTH);
    }

    /**
     * 8 rows × 1 vector: 8 accumulators. As {@link #tile8x2} on one half of a panel ({@code b(k)},
     * {@code c(i)} and {@code scale} one vector each): for the edge keys of a band that only one half
     * of a panel's rows sees.
     */
    static void tile8x1(float[] a, int aFirst, int aRowStride, int depth, float[] b, int bFirst, float[] c,
                         int cFirst, float[] scale, int scaleFirst) {
        FloatVector c0, c1, c2, c3, c4, c5, c6, c7;
        if (scale == null) {
            FloatVector zero = FloatVector.zero(SPECIES);
            c0 = zero; c1 = zero; c2 = zero; c3 = zero; c4 = zero; c5 = zero; c6 = zero; c7 = zero;
        } else {
            FloatVector s = FloatVector.fromArray(SPECIES, scale, scaleFirst);
            c0 = FloatVector.fromArray(SPECIES, c, cFirst + 0 * TILE_WIDTH).mul(s);
            c1 = FloatVector.fromArray(SPECIES, c, cFirst + 1 * TILE_WIDTH).mul(s);
            c2 = FloatVector.fromArray(SPECIES, c, cFirst + 2 * TILE_WIDTH).mul(s);
            c3 = FloatVector.fromArray(SPECIES, c, cFirst + 3 * TILE_WIDTH).mul(s);
            c4 = FloatVector.fromArray(SPECIES, c, cFirst + 4 * TILE_WIDTH).mul(s);
            c5 = FloatVector.fromArray(SPECIES, c, cFirst + 5 * TILE_WIDTH).mul(s);
            c6 = FloatVector.fromArray(SPECIES, c, cFirst + 6 * TILE_WIDTH).mul(s);
            c7 = FloatVector.fromArray(SPECIES, c, cFirst + 7 * TILE_WIDTH).mul(s);
        }
        int a0 = aFirst + 0 * aRowStride;
        int a1 = aFirst + 1 * aRowStride;
        int a2 = aFirst + 2 * aRowStride;
        int a3 = aFirst + 3 * aRowStride;
        int a4 = aFirst + 4 * aRowStride;
        int a5 = aFirst + 5 * aRowStride;
        int a6 = aFirst + 6 * aRowStride;
        int a7 = aFirst + 7 * aRowStride;
        for (int k = 0, bk = bFirst; k < depth; k++, bk += TILE_WIDTH) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bk);
            c0 = b0.fma(FloatVector.broadcast(SPECIES, a[a0 + k]), c0);
            c1 = b0.fma(FloatVector.broadcast(SPECIES, a[a1 + k]), c1);
            c2 = b0.fma(FloatVector.broadcast(SPECIES, a[a2 + k]), c2);
            c3 = b0.fma(FloatVector.broadcast(SPECIES, a[a3 + k]), c3);
            c4 = b0.fma(FloatVector.broadcast(SPECIES, a[a4 + k]), c4);
            c5 = b0.fma(FloatVector.broadcast(SPECIES, a[a5 + k]), c5);
            c6 = b0.fma(FloatVector.broadcast(SPECIES, a[a6 + k]), c6);
            c7 = b0.fma(FloatVector.broadcast(SPECIES, a[a7 + k]), c7);
        }
        c0.intoArray(c, cFirst + 0 * TILE_WIDTH);
        c1.intoArray(c, cFirst + 1 * TILE_WIDTH);
        c2.intoArray(c, cFirst + 2 * TILE_WIDTH);
        c3.intoArray(c, cFirst + 3 * TILE_WIDTH);
        c4.intoArray(c, cFirst + 4 * TILE_WIDTH);
        c5.intoArray(c, cFirst + 5 * TILE_WIDTH);
        c6.intoArray(c, cFirst + 6 * TILE_WIDTH);
        c7.intoArray(c, cFirst + 7 * TILE_WIDTH);
    }
}
