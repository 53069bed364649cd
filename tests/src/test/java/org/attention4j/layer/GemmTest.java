package org.attention4j.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.attention4j.Kernel;
import org.attention4j.TestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link Gemm} against the float64 reference (tolerance derived in {@link GemmProblem}). */
class GemmTest {
    private static final int[] SIZES = {1, 7, 113, 1023};

    @ParameterizedTest
    @EnumSource(value = Kernel.class, names = {"VECTOR", "SCALAR"})
    void oddShapesMatchTheReference(Kernel kernel) {
        org.junit.jupiter.api.Assumptions.assumeTrue(List.of(TestSupport.kernels()).contains(kernel));
        double worst = 0;
        int cases = 0;
        try (Gemm gemm = Gemm.create(2, kernel)) {
            for (int m : SIZES) {
                for (int n : SIZES) {
                    for (int k : SIZES) {
                        if ((long) m * n * k > 1023L * 1023 * 113) {
                            continue; // 1023³: a second of float64 reference for little news
                        }
                        // dense and with gaps, overwrite and accumulate, alternating by shape
                        boolean padded = (m + n + k) % 2 == 0;
                        boolean accumulate = (m * 3 + n + k * 7) % 4 < 2;
                        GemmProblem p = new GemmProblem(m, n, k, padded ? 9 : 0, accumulate, 31L * m + 7L * n + k);
                        p.run(gemm);
                        worst = Math.max(worst, p.check(kernel + " " + p));
                        cases++;
                    }
                }
            }
        }
        System.out.printf("GemmTest %s: %d shapes, worst error / bound = %.3f%n", kernel, cases, worst);
    }

    @ParameterizedTest
    @EnumSource(value = Kernel.class, names = {"VECTOR", "SCALAR"})
    void accumulateAddsToC(Kernel kernel) {
        org.junit.jupiter.api.Assumptions.assumeTrue(List.of(TestSupport.kernels()).contains(kernel));
        try (Gemm gemm = Gemm.create(1, kernel)) {
            // depth past one cache block (KC ≤ 512 for every kernel), so later blocks add to earlier ones
            for (int k : new int[] {1, 5, 600, 1100}) {
                GemmProblem p = new GemmProblem(37, 45, k, 5, true, k);
                p.run(gemm);
                p.check(kernel + " " + p);
            }
        }
    }

    @Test
    void zeroDepthClearsOrKeepsC() {
        try (Gemm gemm = Gemm.create(2)) {
            float[] a = new float[0], b = new float[0];
            float[] c = {1, 2, 3, 4, 5, 6, 7};
            gemm.multiply(2, 2, 0, a, 0, 1, b, 0, 3, c, 1, 3, true);
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7}, c, "k = 0, accumulate: C unchanged");
            gemm.multiply(2, 2, 0, a, 0, 1, b, 0, 3, c, 1, 3, false);
            assertArrayEquals(new float[] {1, 0, 0, 4, 0, 0, 7}, c, "k = 0: C = 0 inside its view only");
        }
    }

    @Test
    void emptyResultWritesNothing() {
        try (Gemm gemm = Gemm.create(2)) {
            float[] a = {1, 2, 3}, b = {4, 5, 6}, c = {9};
            gemm.multiply(0, 1, 3, a, 0, 3, b, 0, 1, c, 0, 1, false);
            gemm.multiply(1, 0, 3, a, 0, 3, b, 0, 1, c, 0, 1, false);
            assertArrayEquals(new float[] {9}, c);
            gemm.multiply(1, 1, 3, a, b, c);
            assertEquals(4 + 10 + 18, c[0]);
        }
    }

    @Test
    void theExpectedKernelIsTheDefault() {
        String expected = System.getProperty("attention4j.expectedProvider", "");
        org.junit.jupiter.api.Assumptions.assumeFalse(expected.isEmpty(), "run outside Maven: nothing expected");
        try (Gemm gemm = Gemm.create()) {
            assertEquals(expected.equals("vector") ? Kernel.VECTOR : Kernel.SCALAR, gemm.kernel(), gemm.toString());
            System.out.println("GemmTest: default Gemm runs " + gemm.kernelName());
        }
    }
}
