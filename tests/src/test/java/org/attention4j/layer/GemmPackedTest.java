package org.attention4j.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.attention4j.Kernel;
import org.attention4j.kernel.KernelProvider;
import org.junit.jupiter.api.Test;

/**
 * A B packed ahead ({@link Gemm#pack}) gives bitwise the product of the unpacked call: the deeper shapes
 * cross a depth block (k = 517 and 1537 > KC on every kernel: 384 on AVX-512, 256 on AVX2), the shapes end
 * mid-panel (n % NR != 0) and mid-tile, on
 * 1 and 2 threads (so regions of C start at other columns), accumulating or not, with offsets and
 * leading dimensions wider than the matrices.
 */
class GemmPackedTest {
    private static final int[][] SHAPES = { // m, n, k
        {1, 1, 1}, {7, 13, 5}, {37, 45, 129}, {130, 97, 300}, {300, 385, 517}, {64, 1152, 384}, {513, 33, 1537},
    };

    @Test
    void packedBGivesTheUnpackedProductBitForBit() {
        SplittableRandom r = new SplittableRandom(11);
        for (Kernel kernel : kernels()) {
            for (int threads : new int[] {1, 2}) {
                try (Gemm gemm = Gemm.create(threads, kernel)) {
                    for (int[] s : SHAPES) {
                        int m = s[0], n = s[1], k = s[2], lda = k + 3, ldb = n + 5, ldc = n + 2;
                        float[] a = random(r, 2 + m * lda), b = random(r, 4 + k * ldb), c0 = random(r, 1 + m * ldc);
                        Gemm.PackedMatrix packed = gemm.pack(b, 4, ldb, k, n);
                        for (boolean accumulate : new boolean[] {false, true}) {
                            float[] expected = c0.clone(), actual = c0.clone();
                            gemm.multiply(m, n, k, a, 2, lda, b, 4, ldb, expected, 1, ldc, accumulate);
                            gemm.multiply(m, a, 2, lda, packed, actual, 1, ldc, accumulate);
                            assertArrayEquals(expected, actual, kernel + " " + threads + "t " + m + "x" + n + "x" + k
                                    + " accumulate=" + accumulate);
                        }
                    }
                }
            }
        }
    }

    /**
     * The fused epilogue: with no activation, bitwise {@code (A·B + bias) + residual} in float; with GELU,
     * within GELU's own tolerance (2e-7 relative, RowOpsTest) of the float64 GELU of those sums.
     */
    @Test
    void biasResidualAndGeluAreAppliedToTheProduct() {
        SplittableRandom r = new SplittableRandom(12);
        for (Kernel kernel : kernels()) {
            for (int threads : new int[] {1, 2}) {
                try (Gemm gemm = Gemm.create(threads, kernel)) {
                    for (int[] s : SHAPES) {
                        int m = s[0], n = s[1], k = s[2], ldc = n + 2;
                        float[] a = random(r, m * k), b = random(r, k * n), bias = random(r, n);
                        float[] residual = random(r, 1 + m * ldc), product = new float[1 + m * ldc];
                        gemm.multiply(m, n, k, a, 0, k, b, 0, n, product, 1, ldc, false);
                        Gemm.PackedMatrix packed = gemm.pack(b, 0, n, k, n);
                        for (Gemm.Activation activation : Gemm.Activation.values()) {
                            float[] c = new float[product.length];
                            gemm.multiply(m, a, 0, k, packed, bias, residual, activation, c, 1, ldc);
                            for (int i = 0; i < m; i++) {
                                for (int j = 0; j < n; j++) {
                                    int at = 1 + i * ldc + j;
                                    float sum = product[at] + bias[j] + residual[at];
                                    String where = kernel + " " + threads + "t " + m + "x" + n + "x" + k + " "
                                            + activation + " (" + i + ", " + j + ")";
                                    if (activation == Gemm.Activation.NONE) {
                                        org.junit.jupiter.api.Assertions.assertEquals(sum, c[at], where);
                                    } else {
                                        double expected = org.attention4j.reference.ReferenceMath.gelu(sum);
                                        assertTrue(Math.abs(c[at] - expected) <= 3e-7 * Math.max(1, Math.abs(sum)),
                                                where + ": " + c[at] + " vs " + expected);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void aMatrixPackedForAnotherKernelOrBadArgumentsAreRefused() {
        try (Gemm scalar = Gemm.create(1, Kernel.SCALAR); Gemm best = Gemm.create(1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> scalar.pack(new float[10], 0, 4, 3, 4));
            assertTrue(e.getMessage().contains("b"), e.getMessage());
            Gemm.PackedMatrix packed = scalar.pack(new float[12], 0, 4, 3, 4);
            if (best.kernel() != Kernel.SCALAR) {
                e = assertThrows(IllegalArgumentException.class,
                        () -> best.multiply(2, new float[6], 0, 3, packed, new float[8], 0, 4, false));
                assertTrue(e.getMessage().contains("packed by a Gemm with kernel"), e.getMessage());
            }
            e = assertThrows(IllegalArgumentException.class,
                    () -> scalar.multiply(2, new float[5], 0, 3, packed, new float[8], 0, 4, false));
            assertTrue(e.getMessage().startsWith("a"), e.getMessage());
            float[] c = new float[8];
            e = assertThrows(IllegalArgumentException.class, () -> scalar.multiply(2, new float[6], 0, 3, packed,
                    new float[3], null, Gemm.Activation.NONE, c, 0, 4));
            assertTrue(e.getMessage().startsWith("bias.length = 3"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> scalar.multiply(2, new float[6], 0, 3, packed,
                    null, c, Gemm.Activation.GELU, c, 0, 4));
            assertTrue(e.getMessage().startsWith("residual is c"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> scalar.multiply(2, new float[6], 0, 3, packed,
                    null, new float[7], Gemm.Activation.GELU, c, 0, 4));
            assertTrue(e.getMessage().startsWith("residual.length = 7"), e.getMessage());
        }
    }

    private static Kernel[] kernels() {
        return KernelProvider.vectorAvailable() ? new Kernel[] {Kernel.SCALAR, Kernel.VECTOR}
                : new Kernel[] {Kernel.SCALAR};
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (2 * r.nextDouble() - 1);
        }
        return v;
    }
}
