package org.attention4j.reference;

/** Float64 oracles of the element-wise layer steps (GELU, LayerNorm), written as the formulas read. */
public final class ReferenceMath {
    private ReferenceMath() {}

    /** {@code ½·x·(1 + erf(x/√2))}. */
    public static double gelu(double x) {
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    /**
     * erf to about 1e-13: its Taylor series for {@code |x| < 3}, the continued fraction of erfc beyond
     * ({@code erfc(z) = exp(−z²)/√π · 1/(z + ½/(z + 1/(z + 3/2/(z + …))))}).
     */
    public static double erf(double x) {
        double z = Math.abs(x);
        if (z > 6) {
            return Math.signum(x);
        }
        if (z < 3) {
            double term = z, sum = z;
            for (int n = 1; n < 200; n++) {
                term *= -z * z / n;
                sum += term / (2 * n + 1);
            }
            return Math.signum(x) * 2 / Math.sqrt(Math.PI) * sum;
        }
        double f = 0;
        for (int n = 80; n >= 1; n--) {
            f = n / 2.0 / (z + f);
        }
        return Math.signum(x) * (1 - Math.exp(-z * z) / Math.sqrt(Math.PI) / (z + f));
    }

    /** {@code (x + residual − mean)/√(var + eps)·gamma + beta} of one row (biased variance); residual may be null. */
    public static double[] layerNorm(float[] x, float[] residual, int at, int width, float[] gamma, float[] beta,
                                     double eps) {
        double[] v = new double[width];
        double mean = 0, var = 0;
        for (int c = 0; c < width; c++) {
            v[c] = x[at + c] + (residual == null ? 0 : residual[at + c]);
            mean += v[c] / width;
        }
        for (int c = 0; c < width; c++) {
            var += (v[c] - mean) * (v[c] - mean) / width;
        }
        for (int c = 0; c < width; c++) {
            v[c] = (v[c] - mean) / Math.sqrt(var + eps) * gamma[c] + beta[c];
        }
        return v;
    }
}
