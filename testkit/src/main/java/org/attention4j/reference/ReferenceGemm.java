package org.attention4j.reference;

/**
 * The float64 oracle for {@code org.attention4j.layer.Gemm}: the obvious triple loop, in double, on the
 * same row-major views ({@code A(i, p) = a[aOffset + i·lda + p]}, and so on). Slow and obvious on
 * purpose. Products of floats are exact in double and a sum of k of them is within k·2⁻⁵³ of the true
 * value, far below float32's rounding, so the kernels' error is measured against the exact product.
 */
public final class ReferenceGemm {
    private ReferenceGemm() {}

    /** {@code A·B} as a dense {@code m × n} row-major double array. */
    public static double[] product(int m, int n, int k, float[] a, int aOffset, int lda, float[] b, int bOffset,
                                   int ldb) {
        return multiply(m, n, k, a, aOffset, lda, b, bOffset, ldb, false);
    }

    /**
     * {@code |A|·|B|}: element (i, j) is {@code Σ_p |A(i, p)|·|B(p, j)|}, the scale of the rounding error
     * a float32 sum of those products may make (dense {@code m × n}, row-major).
     */
    public static double[] magnitude(int m, int n, int k, float[] a, int aOffset, int lda, float[] b, int bOffset,
                                     int ldb) {
        return multiply(m, n, k, a, aOffset, lda, b, bOffset, ldb, true);
    }

    private static double[] multiply(int m, int n, int k, float[] a, int aOffset, int lda, float[] b, int bOffset,
                                     int ldb, boolean absolute) {
        double[] c = new double[m * n];
        // i, p, j order: B is read along its rows; each element still sums its products in p order
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                double x = a[aOffset + i * lda + p];
                for (int j = 0; j < n; j++) {
                    double y = b[bOffset + p * ldb + j];
                    c[i * n + j] += absolute ? Math.abs(x * y) : x * y;
                }
            }
        }
        return c;
    }
}
