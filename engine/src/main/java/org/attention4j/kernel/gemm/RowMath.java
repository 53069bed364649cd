package org.attention4j.kernel.gemm;

/**
 * The scalar formulas of the element-wise layer steps, shared by both kernels' tails.
 *
 * <p>GELU through {@code erfc} by the Chebyshev fit of Numerical Recipes' {@code erfcc}: for {@code z ≥ 0},
 * {@code t = 1/(1 + z/2)} and {@code erfc(z) = t·exp(−z² + P(t))} with a degree-9 polynomial P,
 * fractional error below 1.2e-7 everywhere. Then for {@code g = ½·erfc(|x|/√2)},
 * {@code GELU(x) = x − x·g} when {@code x ≥ 0} and {@code x·g} otherwise.
 */
public final class RowMath {
    /** P(t) = C0 + t·(C1 + t·(C2 + …)), the fit's coefficients. */
    public static final float C0 = -1.26551223f, C1 = 1.00002368f, C2 = 0.37409196f, C3 = 0.09678418f,
            C4 = -0.18628806f, C5 = 0.27886807f, C6 = -1.13520398f, C7 = 1.48851587f, C8 = -0.82215223f,
            C9 = 0.17087277f;
    public static final float INV_SQRT2 = 0.70710678118654752f;

    private RowMath() {}

    public static float gelu(float x) {
        float z = Math.abs(x) * INV_SQRT2, t = 1 / (1 + 0.5f * z);
        float p = C0 + t * (C1 + t * (C2 + t * (C3 + t * (C4 + t * (C5 + t * (C6 + t * (C7 + t * (C8 + t * C9))))))));
        float g = 0.5f * t * (float) Math.exp(p - z * z);
        return x >= 0 ? x - x * g : x * g;
    }
}
