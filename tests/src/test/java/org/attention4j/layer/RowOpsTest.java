package org.attention4j.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.attention4j.Kernel;
import org.attention4j.kernel.KernelProvider;
import org.attention4j.reference.ReferenceMath;
import org.junit.jupiter.api.Test;

/**
 * GELU and LayerNorm of both kernels against float64, on sizes that are not multiples of any lane count.
 * GELU: |error| <= 2e-7·max(1, |x|) (erf's fit is good to 1.2e-7, float rounding adds about 1e-7).
 * LayerNorm: |error| <= 2e-6 on O(1) outputs (float sums of up to 1,000 elements).
 */
class RowOpsTest {
    private static final int[] SIZES = {1, 7, 8, 13, 17, 31, 33, 100, 127, 129, 384, 1000, 1536};

    @Test
    void geluMatchesFloat64OnBothKernels() {
        for (Kernel kernel : kernels()) {
            try (Gemm gemm = Gemm.create(1, kernel)) {
                SplittableRandom r = new SplittableRandom(1);
                for (int n : SIZES) {
                    float[] x = new float[n + 3];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) (r.nextDouble() * 20 - 10);
                    }
                    x[0] = 0;
                    float[] y = x.clone();
                    gemm.gelu(y, 2, n);
                    assertEquals(x[0], y[0], kernel + ": before the range");
                    assertEquals(x[n + 2], y[n + 2], kernel + ": after the range");
                    for (int i = 2; i < n + 2; i++) {
                        double expected = ReferenceMath.gelu(x[i]);
                        assertTrue(Math.abs(y[i] - expected) <= 2e-7 * Math.max(1, Math.abs(x[i])),
                                kernel + " gelu(" + x[i] + ") = " + y[i] + ", expected " + expected);
                    }
                }
                float[] edge = {0f, -0f, 30f, -30f, 1e-30f, -1e-30f};
                gemm.gelu(edge, 0, edge.length);
                assertEquals(0, edge[0], 0);
                assertEquals(30f, edge[2]);
                assertEquals(0, edge[3], 1e-30);
                assertEquals(5e-31f, edge[4], 1e-36);
            }
        }
    }

    @Test
    void layerNormMatchesFloat64OnBothKernels() {
        for (Kernel kernel : kernels()) {
            try (Gemm gemm = Gemm.create(1, kernel)) {
                SplittableRandom r = new SplittableRandom(2);
                for (int width : SIZES) {
                    int rows = 3;
                    float[] x = random(r, rows * width + 5, 3), residual = random(r, x.length, 1);
                    float[] gamma = random(r, width, 1), beta = random(r, width, 1);
                    for (float[] res : new float[][] {null, residual}) {
                        float[] y = x.clone();
                        gemm.layerNorm(y, res, 5, rows, width, gamma, beta, 1e-12);
                        for (int row = 0; row < rows; row++) {
                            double[] expected = ReferenceMath.layerNorm(x, res, 5 + row * width, width, gamma, beta, 1e-12);
                            for (int c = 0; c < width; c++) {
                                assertEquals(expected[c], y[5 + row * width + c], 2e-6,
                                        kernel + " width " + width + " row " + row + " column " + c);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void rangesOutsideTheArraysAreRefused() {
        try (Gemm gemm = Gemm.create(1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gemm.gelu(new float[4], 2, 3));
            assertTrue(e.getMessage().startsWith("x.length = 4, offset 2, 3 floats"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> gemm.layerNorm(new float[8], null, 0, 2, 4, new float[3], new float[4], 1e-5));
            assertTrue(e.getMessage().startsWith("gamma.length = 3"), e.getMessage());
        }
    }

    private static Kernel[] kernels() {
        return KernelProvider.vectorAvailable() ? new Kernel[] {Kernel.SCALAR, Kernel.VECTOR}
                : new Kernel[] {Kernel.SCALAR};
    }

    private static float[] random(SplittableRandom r, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (scale * (2 * r.nextDouble() - 1));
        }
        return v;
    }
}
