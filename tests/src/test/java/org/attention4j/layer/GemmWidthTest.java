package org.attention4j.layer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.attention4j.Kernel;
import org.junit.jupiter.api.Test;

/**
 * Runs in its own JVMs with {@code -Dattention4j.vectorBits=128} and {@code 512} (engine/pom.xml), so each
 * width's micro-kernel (6 × 2 vectors, or 12 × 2 on 512 bits) and blocking is checked on any machine.
 * Shapes straddle MR, NR and KC (KC = 4096 / NR: 512 at 128 bits, 128 at 512); small, since a width
 * wider than the hardware runs the Vector API's slow Java fallback.
 */
class GemmWidthTest {

    @Test
    void forcedWidthMatchesReference() {
        org.junit.jupiter.api.Assumptions.assumeTrue(org.attention4j.kernel.KernelProvider.vectorAvailable());
        String bits = System.getProperty("attention4j.vectorBits");
        try (Gemm gemm = Gemm.create(2, Kernel.VECTOR)) {
            if (bits != null) {
                assertTrue(gemm.kernelName().startsWith("vector-" + bits + " "), gemm.kernelName());
            }
            int[][] shapes = { // m, n, k
                {1, 1, 1}, {5, 7, 3}, {13, 33, 129}, {25, 65, 513}, {12, 32, 128}, {7, 1, 600}, {1, 70, 257}};
            for (int i = 0; i < shapes.length; i++) {
                int[] s = shapes[i];
                GemmProblem p = new GemmProblem(s[0], s[1], s[2], i % 2 == 0 ? 0 : 6, i % 3 == 1, i);
                p.run(gemm);
                p.check(gemm.kernelName() + " " + p);
            }
            System.out.println("GemmWidthTest: " + gemm.kernelName() + " ok");
        }
    }
}
