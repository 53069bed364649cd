package org.attention4j.kernel.panama;

import static org.attention4j.kernel.panama.PanamaConstants.LANES;
import static org.attention4j.kernel.panama.PanamaConstants.SPECIES;

import jdk.incubator.vector.FloatVector;

/**
 * The GEMM micro-kernels: an R × 2-vector tile of C held in registers over one packed depth block,
 * <pre>
 *   C(i, j) = [C(i, j) if load, else 0] + Σ_{k < depth} A(i, k) · B(k, j)     i < R, j < NR = 2 vectors
 * </pre>
 * with A(i, k) at {@code a[aAt + i·depth + k]} (a packed A panel, its rows one after the other,
 * broadcast), B(k, ·) at {@code b[bAt + k·NR]} (a packed B panel, loaded as 2 vectors) and C(i, ·) at
 * {@code c[cAt + i·ldc]}. Each step is R broadcasts, 2 loads and 2R FMAs; the sums of one element are
 * one FMA chain in k order. All indices in the loop move by constants, so C2 hoists their bounds
 * checks; {@code ldc} only appears outside it. Unrolled by hand: accumulators in an array would live
 * in memory, not registers.
 *
 * <p>A is packed row by row, not k-major ({@code a[aAt + k·R + i]}, the BLIS layout): with the R
 * broadcasts reading adjacent floats the same kernel ran at 30–40 % of the peak instead of 90 %+ on
 * Zen 3 / JDK 25 (likely C2's superword pass packing those scalar loads); rows read with stride 1
 * each, as in the flash kernel, do not trigger it.
 *
 * <p>R = 6 on 16-register machines (12 accumulators + 2 loads + 1 broadcast = 15; the shape BLIS uses
 * for sgemm on Haswell and Zen), R = 12 on AVX-512 (24 + 3 = 27 of 32 registers, BLIS's SKX sgemm
 * shape seen from the other side).
 */
final class GemmMicroKernels {
    /** Floats of a packed B panel row: 2 vectors. */
    static final int NR = 2 * LANES;

    private GemmMicroKernels() {}

    /** 6 rows × 2 vectors: 12 accumulators + 2 loads + 1 broadcast live. */
    static void tile6x2(int depth, float[] a, int aAt, float[] b, int bAt, float[] c, int cAt, int ldc,
                         boolean load) {
        int r0 = cAt;
        int r1 = cAt + ldc;
        int r2 = cAt + 2 * ldc;
        int r3 = cAt + 3 * ldc;
        int r4 = cAt + 4 * ldc;
        int r5 = cAt + 5 * ldc;
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (load) {
            c00 = FloatVector.fromArray(SPECIES, c, r0); c01 = FloatVector.fromArray(SPECIES, c, r0 + LANES);
            c10 = FloatVector.fromArray(SPECIES, c, r1); c11 = FloatVector.fromArray(SPECIES, c, r1 + LANES);
            c20 = FloatVector.fromArray(SPECIES, c, r2); c21 = FloatVector.fromArray(SPECIES, c, r2 + LANES);
            c30 = FloatVector.fromArray(SPECIES, c, r3); c31 = FloatVector.fromArray(SPECIES, c, r3 + LANES);
            c40 = FloatVector.fromArray(SPECIES, c, r4); c41 = FloatVector.fromArray(SPECIES, c, r4 + LANES);
            c50 = FloatVector.fromArray(SPECIES, c, r5); c51 = FloatVector.fromArray(SPECIES, c, r5 + LANES);
        } else {
            FloatVector zero = FloatVector.zero(SPECIES);
            c00 = zero; c01 = zero;
            c10 = zero; c11 = zero;
            c20 = zero; c21 = zero;
            c30 = zero; c31 = zero;
            c40 = zero; c41 = zero;
            c50 = zero; c51 = zero;
        }
        int a0 = aAt;
        int a1 = aAt + depth;
        int a2 = aAt + 2 * depth;
        int a3 = aAt + 3 * depth;
        int a4 = aAt + 4 * depth;
        int a5 = aAt + 5 * depth;
        for (int k = 0, bk = bAt; k < depth; k++, bk += NR) {
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
        c00.intoArray(c, r0); c01.intoArray(c, r0 + LANES);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + LANES);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + LANES);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + LANES);
        c40.intoArray(c, r4); c41.intoArray(c, r4 + LANES);
        c50.intoArray(c, r5); c51.intoArray(c, r5 + LANES);
    }

    /** 12 rows × 2 vectors: 24 accumulators + 2 loads + 1 broadcast live. */
    static void tile12x2(int depth, float[] a, int aAt, float[] b, int bAt, float[] c, int cAt, int ldc,
                         boolean load) {
        int r0 = cAt;
        int r1 = cAt + ldc;
        int r2 = cAt + 2 * ldc;
        int r3 = cAt + 3 * ldc;
        int r4 = cAt + 4 * ldc;
        int r5 = cAt + 5 * ldc;
        int r6 = cAt + 6 * ldc;
        int r7 = cAt + 7 * ldc;
        int r8 = cAt + 8 * ldc;
        int r9 = cAt + 9 * ldc;
        int r10 = cAt + 10 * ldc;
        int r11 = cAt + 11 * ldc;
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71, c80, c81, c90, c91, c100, c101, c110, c111;
        if (load) {
            c00 = FloatVector.fromArray(SPECIES, c, r0); c01 = FloatVector.fromArray(SPECIES, c, r0 + LANES);
            c10 = FloatVector.fromArray(SPECIES, c, r1); c11 = FloatVector.fromArray(SPECIES, c, r1 + LANES);
            c20 = FloatVector.fromArray(SPECIES, c, r2); c21 = FloatVector.fromArray(SPECIES, c, r2 + LANES);
            c30 = FloatVector.fromArray(SPECIES, c, r3); c31 = FloatVector.fromArray(SPECIES, c, r3 + LANES);
            c40 = FloatVector.fromArray(SPECIES, c, r4); c41 = FloatVector.fromArray(SPECIES, c, r4 + LANES);
            c50 = FloatVector.fromArray(SPECIES, c, r5); c51 = FloatVector.fromArray(SPECIES, c, r5 + LANES);
            c60 = FloatVector.fromArray(SPECIES, c, r6); c61 = FloatVector.fromArray(SPECIES, c, r6 + LANES);
            c70 = FloatVector.fromArray(SPECIES, c, r7); c71 = FloatVector.fromArray(SPECIES, c, r7 + LANES);
            c80 = FloatVector.fromArray(SPECIES, c, r8); c81 = FloatVector.fromArray(SPECIES, c, r8 + LANES);
            c90 = FloatVector.fromArray(SPECIES, c, r9); c91 = FloatVector.fromArray(SPECIES, c, r9 + LANES);
            c100 = FloatVector.fromArray(SPECIES, c, r10); c101 = FloatVector.fromArray(SPECIES, c, r10 + LANES);
            c110 = FloatVector.fromArray(SPECIES, c, r11); c111 = FloatVector.fromArray(SPECIES, c, r11 + LANES);
        } else {
            FloatVector zero = FloatVector.zero(SPECIES);
            c00 = zero; c01 = zero;
            c10 = zero; c11 = zero;
            c20 = zero; c21 = zero;
            c30 = zero; c31 = zero;
            c40 = zero; c41 = zero;
            c50 = zero; c51 = zero;
            c60 = zero; c61 = zero;
            c70 = zero; c71 = zero;
            c80 = zero; c81 = zero;
            c90 = zero; c91 = zero;
            c100 = zero; c101 = zero;
            c110 = zero; c111 = zero;
        }
        int a0 = aAt;
        int a1 = aAt + depth;
        int a2 = aAt + 2 * depth;
        int a3 = aAt + 3 * depth;
        int a4 = aAt + 4 * depth;
        int a5 = aAt + 5 * depth;
        int a6 = aAt + 6 * depth;
        int a7 = aAt + 7 * depth;
        int a8 = aAt + 8 * depth;
        int a9 = aAt + 9 * depth;
        int a10 = aAt + 10 * depth;
        int a11 = aAt + 11 * depth;
        for (int k = 0, bk = bAt; k < depth; k++, bk += NR) {
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
            x = FloatVector.broadcast(SPECIES, a[a8 + k]);
            c80 = b0.fma(x, c80); c81 = b1.fma(x, c81);
            x = FloatVector.broadcast(SPECIES, a[a9 + k]);
            c90 = b0.fma(x, c90); c91 = b1.fma(x, c91);
            x = FloatVector.broadcast(SPECIES, a[a10 + k]);
            c100 = b0.fma(x, c100); c101 = b1.fma(x, c101);
            x = FloatVector.broadcast(SPECIES, a[a11 + k]);
            c110 = b0.fma(x, c110); c111 = b1.fma(x, c111);
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + LANES);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + LANES);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + LANES);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + LANES);
        c40.intoArray(c, r4); c41.intoArray(c, r4 + LANES);
        c50.intoArray(c, r5); c51.intoArray(c, r5 + LANES);
        c60.intoArray(c, r6); c61.intoArray(c, r6 + LANES);
        c70.intoArray(c, r7); c71.intoArray(c, r7 + LANES);
        c80.intoArray(c, r8); c81.intoArray(c, r8 + LANES);
        c90.intoArray(c, r9); c91.intoArray(c, r9 + LANES);
        c100.intoArray(c, r10); c101.intoArray(c, r10 + LANES);
        c110.intoArray(c, r11); c111.intoArray(c, r11 + LANES);
    }
}
