package org.attention4j.kernel.panama;

import static org.attention4j.kernel.panama.PanamaConstants.GEMM_DEPTH_BLOCK;
import static org.attention4j.kernel.panama.PanamaConstants.LANES;
import static org.attention4j.kernel.panama.PanamaConstants.SPECIES;
import static org.attention4j.kernel.panama.PanamaConstants.TILE_WIDTH;

import jdk.incubator.vector.FloatVector;

/**
 * The one micro-kernel family behind every product: attention's {@code S = K·Qᵀ} and {@code Oᵀ = Vᵀ·P}
 * and the GEMM's {@code C = A·B}. {@code tile{R}x{V}} keeps an R × V-vector block of C in registers over
 * the whole reduction:
 * <pre>
 *   c(i) = init(i) + Σ_{k < depth} a[aFirst + i·aRowStride + k] · b(k)          for i < R
 *   init(i) = c(i) · scale   (scale != null: the online softmax's rescaling of the accumulators)
 *           = c(i)           (load: a GEMM depth block after the first, AVX2's tile6x2)
 *           = 0              (otherwise)
 * </pre>
 * where {@code b(k)} is V vectors at {@code b[bFirst + k·TILE_WIDTH]} (one panel row: a packed key or
 * value panel, or a packed B panel of NR = TILE_WIDTH columns), {@code c(i)} is V vectors at
 * {@code c[cFirst + i·cRowStride]}, and {@code scale} is V vectors at {@code scale[scaleFirst]}. Each step
 * is R broadcasts, V loads and R·V FMAs; the sums of one element are one FMA chain in k order (gemmTile12x2:
 * one chain from zero per depth block, C's old value added after it).
 *
 * <p>Both indices inside the loop move by compile-time constants (1 and TILE_WIDTH): that is what lets
 * C2 hoist the bounds checks (a stride known only at run time kept them and cost ~25 %); the row strides
 * of A and C appear only outside it. The A rows are read with stride 1 each, never k-major: with the R
 * broadcasts reading adjacent floats (BLIS's packed-A layout) the GEMM ran at 30–40 % of the peak instead
 * of 90 %+ on Zen 3 / JDK 25 (likely C2's superword pass packing those scalar loads). The value product
 * ran at half the speed when its broadcasts came from the probabilities instead of the (transposed)
 * values. Unrolled by hand (accumulators in an array would live in memory, not registers) and generated
 * by scripts/gen-micro-kernels.py: edit the template there and rerun it, so every shape changes alike.
 *
 * <p>The GEMM's own tile on 32 registers, {@code gemmTile12x2}, reads A's 12 rows at a compile-time constant stride
 * ({@code GEMM_DEPTH_BLOCK}: the GEMM packs every depth block at that row stride, the last one too), so a
 * single index addresses all R broadcasts: with R run-time row offsets (12 on AVX-512) x86's 16 general
 * registers could not hold them and the loop indices together, and the same tile ran 6–20 % slower in
 * cache (Zen 5, AVX-512). It also keeps the GEMM's compiled code and profile apart from attention's. A
 * 6-row twin for 16 registers ran at half the speed of {@code tile6x2} under {@code -XX:UseAVX=2}
 * (Zen 5), so the GEMM on AVX2 calls {@code tile6x2} with the stride KC.
 *
 * <p>R: 6 with 16 vector registers (12 accumulators + 2 loads + 1 broadcast = 15; BLIS's sgemm shape on
 * Haswell and Zen; 3×4 spilled, 2×4 and 4×2 were 15–30 % slower on Zen 3); with 32 (AVX-512) 8 for
 * attention (its panels are 8 rows of the micro-tile) and 12 for the GEMM (24 + 3 = 27 registers).
 */
final class MicroKernels {
    private MicroKernels() {}

    /** 6 rows × 2 vectors: 12 accumulators + 2 loads + 1 broadcast live (16 vector registers). */
    static void tile6x2(float[] a, int aFirst, int aRowStride, int depth, float[] b, int bFirst, float[] c,
                         int cFirst, int cRowStride, float[] scale, int scaleFirst, boolean load) {
        int r0 = cFirst;
        int r1 = cFirst + 1 * cRowStride;
        int r2 = cFirst + 2 * cRowStride;
        int r3 = cFirst + 3 * cRowStride;
        int r4 = cFirst + 4 * cRowStride;
        int r5 = cFirst + 5 * cRowStride;
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (scale != null) {
            FloatVector s0 = FloatVector.fromArray(SPECIES, scale, scaleFirst);
            FloatVector s1 = FloatVector.fromArray(SPECIES, scale, scaleFirst + LANES);
            c00 = FloatVector.fromArray(SPECIES, c, r0).mul(s0); c01 = FloatVector.fromArray(SPECIES, c, r0 + LANES).mul(s1);
            c10 = FloatVector.fromArray(SPECIES, c, r1).mul(s0); c11 = FloatVector.fromArray(SPECIES, c, r1 + LANES).mul(s1);
            c20 = FloatVector.fromArray(SPECIES, c, r2).mul(s0); c21 = FloatVector.fromArray(SPECIES, c, r2 + LANES).mul(s1);
            c30 = FloatVector.fromArray(SPECIES, c, r3).mul(s0); c31 = FloatVector.fromArray(SPECIES, c, r3 + LANES).mul(s1);
            c40 = FloatVector.fromArray(SPECIES, c, r4).mul(s0); c41 = FloatVector.fromArray(SPECIES, c, r4 + LANES).mul(s1);
            c50 = FloatVector.fromArray(SPECIES, c, r5).mul(s0); c51 = FloatVector.fromArray(SPECIES, c, r5 + LANES).mul(s1);
        } else if (load) {
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
        int a0 = aFirst;
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
        c00.intoArray(c, r0); c01.intoArray(c, r0 + LANES);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + LANES);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + LANES);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + LANES);
        c40.intoArray(c, r4); c41.intoArray(c, r4 + LANES);
        c50.intoArray(c, r5); c51.intoArray(c, r5 + LANES);
    }

    /** 8 rows × 2 vectors: 16 accumulators + 2 loads + 1 broadcast live (attention on 32 registers). */
    static void tile8x2(float[] a, int aFirst, int aRowStride, int depth, float[] b, int bFirst, float[] c,
                         int cFirst, int cRowStride, float[] scale, int scaleFirst, boolean load) {
        int r0 = cFirst;
        int r1 = cFirst + 1 * cRowStride;
        int r2 = cFirst + 2 * cRowStride;
        int r3 = cFirst + 3 * cRowStride;
        int r4 = cFirst + 4 * cRowStride;
        int r5 = cFirst + 5 * cRowStride;
        int r6 = cFirst + 6 * cRowStride;
        int r7 = cFirst + 7 * cRowStride;
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (scale != null) {
            FloatVector s0 = FloatVector.fromArray(SPECIES, scale, scaleFirst);
            FloatVector s1 = FloatVector.fromArray(SPECIES, scale, scaleFirst + LANES);
            c00 = FloatVector.fromArray(SPECIES, c, r0).mul(s0); c01 = FloatVector.fromArray(SPECIES, c, r0 + LANES).mul(s1);
            c10 = FloatVector.fromArray(SPECIES, c, r1).mul(s0); c11 = FloatVector.fromArray(SPECIES, c, r1 + LANES).mul(s1);
            c20 = FloatVector.fromArray(SPECIES, c, r2).mul(s0); c21 = FloatVector.fromArray(SPECIES, c, r2 + LANES).mul(s1);
            c30 = FloatVector.fromArray(SPECIES, c, r3).mul(s0); c31 = FloatVector.fromArray(SPECIES, c, r3 + LANES).mul(s1);
            c40 = FloatVector.fromArray(SPECIES, c, r4).mul(s0); c41 = FloatVector.fromArray(SPECIES, c, r4 + LANES).mul(s1);
            c50 = FloatVector.fromArray(SPECIES, c, r5).mul(s0); c51 = FloatVector.fromArray(SPECIES, c, r5 + LANES).mul(s1);
            c60 = FloatVector.fromArray(SPECIES, c, r6).mul(s0); c61 = FloatVector.fromArray(SPECIES, c, r6 + LANES).mul(s1);
            c70 = FloatVector.fromArray(SPECIES, c, r7).mul(s0); c71 = FloatVector.fromArray(SPECIES, c, r7 + LANES).mul(s1);
        } else if (load) {
            c00 = FloatVector.fromArray(SPECIES, c, r0); c01 = FloatVector.fromArray(SPECIES, c, r0 + LANES);
            c10 = FloatVector.fromArray(SPECIES, c, r1); c11 = FloatVector.fromArray(SPECIES, c, r1 + LANES);
            c20 = FloatVector.fromArray(SPECIES, c, r2); c21 = FloatVector.fromArray(SPECIES, c, r2 + LANES);
            c30 = FloatVector.fromArray(SPECIES, c, r3); c31 = FloatVector.fromArray(SPECIES, c, r3 + LANES);
            c40 = FloatVector.fromArray(SPECIES, c, r4); c41 = FloatVector.fromArray(SPECIES, c, r4 + LANES);
            c50 = FloatVector.fromArray(SPECIES, c, r5); c51 = FloatVector.fromArray(SPECIES, c, r5 + LANES);
            c60 = FloatVector.fromArray(SPECIES, c, r6); c61 = FloatVector.fromArray(SPECIES, c, r6 + LANES);
            c70 = FloatVector.fromArray(SPECIES, c, r7); c71 = FloatVector.fromArray(SPECIES, c, r7 + LANES);
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
        }
        int a0 = aFirst;
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
        c00.intoArray(c, r0); c01.intoArray(c, r0 + LANES);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + LANES);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + LANES);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + LANES);
        c40.intoArray(c, r4); c41.intoArray(c, r4 + LANES);
        c50.intoArray(c, r5); c51.intoArray(c, r5 + LANES);
        c60.intoArray(c, r6); c61.intoArray(c, r6 + LANES);
        c70.intoArray(c, r7); c71.intoArray(c, r7 + LANES);
    }

    /**
     * 6 rows × 1 vector: 6 accumulators. As {@link #tile6x2} on one half of a panel ({@code b(k)}, {@code c(i)} and
     * {@code scale} one vector each): for the edge keys of a band that only one half of a panel's rows sees.
     */
    static void tile6x1(float[] a, int aFirst, int aRowStride, int depth, float[] b, int bFirst, float[] c,
                         int cFirst, int cRowStride, float[] scale, int scaleFirst, boolean load) {
        int r0 = cFirst;
        int r1 = cFirst + 1 * cRowStride;
        int r2 = cFirst + 2 * cRowStride;
        int r3 = cFirst + 3 * cRowStride;
        int r4 = cFirst + 4 * cRowStride;
        int r5 = cFirst + 5 * cRowStride;
        FloatVector c0, c1, c2, c3, c4, c5;
        if (scale != null) {
            FloatVector s0 = FloatVector.fromArray(SPECIES, scale, scaleFirst);
            c0 = FloatVector.fromArray(SPECIES, c, r0).mul(s0);
            c1 = FloatVector.fromArray(SPECIES, c, r1).mul(s0);
            c2 = FloatVector.fromArray(SPECIES, c, r2).mul(s0);
            c3 = FloatVector.fromArray(SPECIES, c, r3).mul(s0);
            c4 = FloatVector.fromArray(SPECIES, c, r4).mul(s0);
            c5 = FloatVector.fromArray(SPECIES, c, r5).mul(s0);
        } else if (load) {
            c0 = FloatVector.fromArray(SPECIES, c, r0);
            c1 = FloatVector.fromArray(SPECIES, c, r1);
            c2 = FloatVector.fromArray(SPECIES, c, r2);
            c3 = FloatVector.fromArray(SPECIES, c, r3);
            c4 = FloatVector.fromArray(SPECIES, c, r4);
            c5 = FloatVector.fromArray(SPECIES, c, r5);
        } else {
            FloatVector zero = FloatVector.zero(SPECIES);
            c0 = zero;
            c1 = zero;
            c2 = zero;
            c3 = zero;
            c4 = zero;
            c5 = zero;
        }
        int a0 = aFirst;
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
        c0.intoArray(c, r0);
        c1.intoArray(c, r1);
        c2.intoArray(c, r2);
        c3.intoArray(c, r3);
        c4.intoArray(c, r4);
        c5.intoArray(c, r5);
    }

    /** 8 rows × 1 vector: as {@link #tile6x1} with 8 accumulators. */
    static void tile8x1(float[] a, int aFirst, int aRowStride, int depth, float[] b, int bFirst, float[] c,
                         int cFirst, int cRowStride, float[] scale, int scaleFirst, boolean load) {
        int r0 = cFirst;
        int r1 = cFirst + 1 * cRowStride;
        int r2 = cFirst + 2 * cRowStride;
        int r3 = cFirst + 3 * cRowStride;
        int r4 = cFirst + 4 * cRowStride;
        int r5 = cFirst + 5 * cRowStride;
        int r6 = cFirst + 6 * cRowStride;
        int r7 = cFirst + 7 * cRowStride;
        FloatVector c0, c1, c2, c3, c4, c5, c6, c7;
        if (scale != null) {
            FloatVector s0 = FloatVector.fromArray(SPECIES, scale, scaleFirst);
            c0 = FloatVector.fromArray(SPECIES, c, r0).mul(s0);
            c1 = FloatVector.fromArray(SPECIES, c, r1).mul(s0);
            c2 = FloatVector.fromArray(SPECIES, c, r2).mul(s0);
            c3 = FloatVector.fromArray(SPECIES, c, r3).mul(s0);
            c4 = FloatVector.fromArray(SPECIES, c, r4).mul(s0);
            c5 = FloatVector.fromArray(SPECIES, c, r5).mul(s0);
            c6 = FloatVector.fromArray(SPECIES, c, r6).mul(s0);
            c7 = FloatVector.fromArray(SPECIES, c, r7).mul(s0);
        } else if (load) {
            c0 = FloatVector.fromArray(SPECIES, c, r0);
            c1 = FloatVector.fromArray(SPECIES, c, r1);
            c2 = FloatVector.fromArray(SPECIES, c, r2);
            c3 = FloatVector.fromArray(SPECIES, c, r3);
            c4 = FloatVector.fromArray(SPECIES, c, r4);
            c5 = FloatVector.fromArray(SPECIES, c, r5);
            c6 = FloatVector.fromArray(SPECIES, c, r6);
            c7 = FloatVector.fromArray(SPECIES, c, r7);
        } else {
            FloatVector zero = FloatVector.zero(SPECIES);
            c0 = zero;
            c1 = zero;
            c2 = zero;
            c3 = zero;
            c4 = zero;
            c5 = zero;
            c6 = zero;
            c7 = zero;
        }
        int a0 = aFirst;
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
        c0.intoArray(c, r0);
        c1.intoArray(c, r1);
        c2.intoArray(c, r2);
        c3.intoArray(c, r3);
        c4.intoArray(c, r4);
        c5.intoArray(c, r5);
        c6.intoArray(c, r6);
        c7.intoArray(c, r7);
    }

    /**
     * The GEMM's 12 rows × 2 vectors (24 accumulators + 2 loads + 1 broadcast of 32 vector registers), A's rows
     * GEMM_DEPTH_BLOCK apart: {@code c(i) = Σ_k a·b(k)}, plus C's old value after the loop when {@code load}.
     */
    static void gemmTile12x2(float[] a, int aFirst, int depth, float[] b, int bFirst, float[] c, int cFirst,
                            int cRowStride, boolean load) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71, c80, c81, c90, c91, c100, c101, c110, c111;
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
        for (int k = 0, ak = aFirst, bk = bFirst; k < depth; k++, ak++, bk += TILE_WIDTH) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bk), b1 = FloatVector.fromArray(SPECIES, b, bk + LANES);
            FloatVector x;
            x = FloatVector.broadcast(SPECIES, a[ak]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(SPECIES, a[ak + 1 * GEMM_DEPTH_BLOCK]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(SPECIES, a[ak + 2 * GEMM_DEPTH_BLOCK]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(SPECIES, a[ak + 3 * GEMM_DEPTH_BLOCK]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(SPECIES, a[ak + 4 * GEMM_DEPTH_BLOCK]);
            c40 = b0.fma(x, c40); c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(SPECIES, a[ak + 5 * GEMM_DEPTH_BLOCK]);
            c50 = b0.fma(x, c50); c51 = b1.fma(x, c51);
            x = FloatVector.broadcast(SPECIES, a[ak + 6 * GEMM_DEPTH_BLOCK]);
            c60 = b0.fma(x, c60); c61 = b1.fma(x, c61);
            x = FloatVector.broadcast(SPECIES, a[ak + 7 * GEMM_DEPTH_BLOCK]);
            c70 = b0.fma(x, c70); c71 = b1.fma(x, c71);
            x = FloatVector.broadcast(SPECIES, a[ak + 8 * GEMM_DEPTH_BLOCK]);
            c80 = b0.fma(x, c80); c81 = b1.fma(x, c81);
            x = FloatVector.broadcast(SPECIES, a[ak + 9 * GEMM_DEPTH_BLOCK]);
            c90 = b0.fma(x, c90); c91 = b1.fma(x, c91);
            x = FloatVector.broadcast(SPECIES, a[ak + 10 * GEMM_DEPTH_BLOCK]);
            c100 = b0.fma(x, c100); c101 = b1.fma(x, c101);
            x = FloatVector.broadcast(SPECIES, a[ak + 11 * GEMM_DEPTH_BLOCK]);
            c110 = b0.fma(x, c110); c111 = b1.fma(x, c111);
        }
        if (load) {
            c00 = c00.add(FloatVector.fromArray(SPECIES, c, cFirst)); c01 = c01.add(FloatVector.fromArray(SPECIES, c, cFirst + LANES));
            c10 = c10.add(FloatVector.fromArray(SPECIES, c, cFirst + 1 * cRowStride)); c11 = c11.add(FloatVector.fromArray(SPECIES, c, cFirst + 1 * cRowStride + LANES));
            c20 = c20.add(FloatVector.fromArray(SPECIES, c, cFirst + 2 * cRowStride)); c21 = c21.add(FloatVector.fromArray(SPECIES, c, cFirst + 2 * cRowStride + LANES));
            c30 = c30.add(FloatVector.fromArray(SPECIES, c, cFirst + 3 * cRowStride)); c31 = c31.add(FloatVector.fromArray(SPECIES, c, cFirst + 3 * cRowStride + LANES));
            c40 = c40.add(FloatVector.fromArray(SPECIES, c, cFirst + 4 * cRowStride)); c41 = c41.add(FloatVector.fromArray(SPECIES, c, cFirst + 4 * cRowStride + LANES));
            c50 = c50.add(FloatVector.fromArray(SPECIES, c, cFirst + 5 * cRowStride)); c51 = c51.add(FloatVector.fromArray(SPECIES, c, cFirst + 5 * cRowStride + LANES));
            c60 = c60.add(FloatVector.fromArray(SPECIES, c, cFirst + 6 * cRowStride)); c61 = c61.add(FloatVector.fromArray(SPECIES, c, cFirst + 6 * cRowStride + LANES));
            c70 = c70.add(FloatVector.fromArray(SPECIES, c, cFirst + 7 * cRowStride)); c71 = c71.add(FloatVector.fromArray(SPECIES, c, cFirst + 7 * cRowStride + LANES));
            c80 = c80.add(FloatVector.fromArray(SPECIES, c, cFirst + 8 * cRowStride)); c81 = c81.add(FloatVector.fromArray(SPECIES, c, cFirst + 8 * cRowStride + LANES));
            c90 = c90.add(FloatVector.fromArray(SPECIES, c, cFirst + 9 * cRowStride)); c91 = c91.add(FloatVector.fromArray(SPECIES, c, cFirst + 9 * cRowStride + LANES));
            c100 = c100.add(FloatVector.fromArray(SPECIES, c, cFirst + 10 * cRowStride)); c101 = c101.add(FloatVector.fromArray(SPECIES, c, cFirst + 10 * cRowStride + LANES));
            c110 = c110.add(FloatVector.fromArray(SPECIES, c, cFirst + 11 * cRowStride)); c111 = c111.add(FloatVector.fromArray(SPECIES, c, cFirst + 11 * cRowStride + LANES));
        }
        c00.intoArray(c, cFirst); c01.intoArray(c, cFirst + LANES);
        c10.intoArray(c, cFirst + 1 * cRowStride); c11.intoArray(c, cFirst + 1 * cRowStride + LANES);
        c20.intoArray(c, cFirst + 2 * cRowStride); c21.intoArray(c, cFirst + 2 * cRowStride + LANES);
        c30.intoArray(c, cFirst + 3 * cRowStride); c31.intoArray(c, cFirst + 3 * cRowStride + LANES);
        c40.intoArray(c, cFirst + 4 * cRowStride); c41.intoArray(c, cFirst + 4 * cRowStride + LANES);
        c50.intoArray(c, cFirst + 5 * cRowStride); c51.intoArray(c, cFirst + 5 * cRowStride + LANES);
        c60.intoArray(c, cFirst + 6 * cRowStride); c61.intoArray(c, cFirst + 6 * cRowStride + LANES);
        c70.intoArray(c, cFirst + 7 * cRowStride); c71.intoArray(c, cFirst + 7 * cRowStride + LANES);
        c80.intoArray(c, cFirst + 8 * cRowStride); c81.intoArray(c, cFirst + 8 * cRowStride + LANES);
        c90.intoArray(c, cFirst + 9 * cRowStride); c91.intoArray(c, cFirst + 9 * cRowStride + LANES);
        c100.intoArray(c, cFirst + 10 * cRowStride); c101.intoArray(c, cFirst + 10 * cRowStride + LANES);
        c110.intoArray(c, cFirst + 11 * cRowStride); c111.intoArray(c, cFirst + 11 * cRowStride + LANES);
    }
}
