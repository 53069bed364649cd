package org.attention4j.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.attention4j.reference.ReferenceGemm;

/**
 * One seeded GEMM problem for the tests: every array is filled with random values, including the gaps
 * between rows (leading dimensions larger than the widths), before the offset and after the last row,
 * so a read or write outside the views shows.
 *
 * <p>Tolerance. An element of C is a sum of {@code k} products (plus C's old value when accumulating)
 * computed in float32, in whatever order the kernel uses (depth blocks, FMA chains, separate multiply
 * and add in the scalar kernel). For any such order the rounding error is at most
 * {@code γ_n · Σ|terms|} with {@code γ_n = n·u / (1 − n·u)}, {@code u = 2⁻²⁴} and {@code n} the number
 * of roundings on a term's path (Higham, <i>Accuracy and Stability of Numerical Algorithms</i>, §3.1):
 * {@code n ≤ k + 1} (k − 1 additions, the product's rounding without FMA, the old value's addition).
 * The float64 reference adds at most {@code k·2⁻⁵³·Σ}. So each element must satisfy
 * <pre>
 *   |C − (C₀ + A·B)| ≤ (k + 2) · 2⁻²⁴ · (|C₀| + Σ_p |A(i, p)|·|B(p, j)|)
 * </pre>
 * ({@code k + 2} covers the {@code 1/(1 − n·u)} factor and the reference for k ≤ 10⁵). It is a bound,
 * never a flaky estimate, and still tight enough to catch a lost or doubled product: one term is
 * about {@code Σ/k}, above the bound while {@code k² < 1/u ≈ 1.7·10⁷}, i.e. for every k tested here
 * (≤ 1023: 16× margin). Random data typically lands near {@code √k·u·Σ}; the tests print the worst
 * ratio error / bound.
 */
final class GemmProblem {
    static final double U = 0x1p-24;

    final int m, n, k;
    final float[] a, b, c, cBefore;
    final int aOffset, lda, bOffset, ldb, cOffset, ldc;
    final boolean accumulate;

    /** {@code gap}: extra floats per row and around each matrix (0 = dense at offset 0). */
    GemmProblem(int m, int n, int k, int gap, boolean accumulate, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        this.m = m;
        this.n = n;
        this.k = k;
        this.accumulate = accumulate;
        lda = Math.max(1, k) + (gap == 0 ? 0 : random.nextInt(gap + 1));
        ldb = Math.max(1, n) + (gap == 0 ? 0 : random.nextInt(gap + 1));
        ldc = Math.max(1, n) + (gap == 0 ? 0 : random.nextInt(gap + 1));
        aOffset = gap == 0 ? 0 : random.nextInt(gap + 1);
        bOffset = gap == 0 ? 0 : random.nextInt(gap + 1);
        cOffset = gap == 0 ? 0 : random.nextInt(gap + 1);
        a = filled(aOffset + span(m, k, lda) + gap, random);
        b = filled(bOffset + span(k, n, ldb) + gap, random);
        c = filled(cOffset + span(m, n, ldc) + gap, random);
        cBefore = c.clone();
    }

    private static int span(int rows, int cols, int ld) {
        return rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols;
    }

    private static float[] filled(int length, SplittableRandom random) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        return x;
    }

    void run(Gemm gemm) {
        gemm.multiply(m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, accumulate);
    }

    /**
     * Asserts the bound above for every element and that nothing outside C's view changed; returns the
     * worst error / bound seen.
     */
    double check(String label) {
        double[] product = ReferenceGemm.product(m, n, k, a, aOffset, lda, b, bOffset, ldb);
        double[] magnitude = ReferenceGemm.magnitude(m, n, k, a, aOffset, lda, b, bOffset, ldb);
        double worst = 0;
        boolean[] inView = new boolean[c.length];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int at = cOffset + i * ldc + j;
                inView[at] = true;
                double old = accumulate ? cBefore[at] : 0;
                double expected = old + product[i * n + j];
                double bound = (k + 2) * U * (Math.abs(old) + magnitude[i * n + j]);
                double error = Math.abs(c[at] - expected);
                if (!(error <= bound)) { // also fails for NaN
                    throw new AssertionError(label + ": C(" + i + ", " + j + ") = " + c[at] + ", expected " + expected
                            + " ± " + bound);
                }
                worst = Math.max(worst, bound == 0 ? 0 : error / bound);
            }
        }
        for (int at = 0; at < c.length; at++) {
            if (!inView[at]) {
                assertEquals(cBefore[at], c[at], label + ": c[" + at + "] outside C's view was written");
            }
        }
        assertTrue(worst <= 1);
        return worst;
    }

    @Override
    public String toString() {
        return "m=" + m + " n=" + n + " k=" + k + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc + " offsets=" + aOffset
                + "/" + bOffset + "/" + cOffset + (accumulate ? " accumulate" : "");
    }
}
