package org.attention4j.layer.linear;

import org.attention4j.AttentionEngine;
import org.attention4j.AttentionSpec;
import org.attention4j.Tensor;

/**
 * How far an {@link ApproximateAttention} is from exact attention on given inputs: both are run and
 * their outputs compared element by element. Use it on inputs like yours before choosing m or k_proj;
 * the error depends on the data (peaky scores are harder), not only on the sizes.
 *
 * <pre>{@code
 * try (PerformerAttention performer = PerformerAttention.create(256, 64, 1);
 *      AttentionEngine exact = AttentionEngine.create()) {
 *     ApproximationError.Report r = ApproximationError.measure(performer, exact, spec, q, k, v);
 *     System.out.println(r);   // max |ΔO| and RMS(ΔO) / RMS(O)
 * }
 * }</pre>
 *
 * @since 0.1
 */
public final class ApproximationError {
    private ApproximationError() {}

    /**
     * The errors of {@code approximation} against {@code exact.forward} on one problem. Allocates two
     * BSHD outputs of {@code batch·queryLength·heads·valueHeadDim} floats.
     *
     * @param approximation the attention under test
     * @param exact the engine whose output is the truth
     * @param spec the shape and options of the problem
     * @param q queries {@code [batch, queryLength, heads, headDim]}
     * @param k keys {@code [batch, keyLength, kvHeads, headDim]}
     * @param v values {@code [batch, keyLength, kvHeads, valueHeadDim]}
     * @return both errors and the scale of the exact output
     * @throws IllegalArgumentException when an argument is null or does not fit {@code spec}
     */
    public static Report measure(ApproximateAttention approximation, AttentionEngine exact, AttentionSpec spec,
                                 Tensor q, Tensor k, Tensor v) {
        if (approximation == null) {
            throw new IllegalArgumentException("approximation = null: expected an ApproximateAttention");
        }
        if (exact == null) {
            throw new IllegalArgumentException("exact = null: expected an AttentionEngine");
        }
        if (spec == null) {
            throw new IllegalArgumentException("spec = null: expected a non-null value");
        }
        int lq = spec.queryLength(), heads = spec.heads(), dim = spec.valueHeadDim(); // the output's head size
        float[] approximate = new float[Tensor.elements(spec.batch(), lq, heads, dim)];
        float[] reference = new float[approximate.length];
        exact.forward(spec, q, k, v, Tensor.bshd(reference, lq, heads, dim));
        approximation.forward(spec, q, k, v, Tensor.bshd(approximate, lq, heads, dim));
        return compare(approximate, reference);
    }

    /**
     * {@return the errors of {@code approximate} against {@code exact}}, two outputs of the same shape
     *
     * @param approximate the approximate output
     * @param exact the exact output
     * @throws IllegalArgumentException when an array is null or their lengths differ
     */
    public static Report compare(float[] approximate, float[] exact) {
        if (approximate == null || exact == null || approximate.length != exact.length) {
            throw new IllegalArgumentException("approximate, exact: expected two arrays of the same length, got "
                    + (approximate == null ? "null" : approximate.length) + " and "
                    + (exact == null ? "null" : exact.length));
        }
        double maxAbs = 0, squaredError = 0, squaredExact = 0;
        for (int i = 0; i < exact.length; i++) {
            double difference = (double) approximate[i] - exact[i];
            maxAbs = Math.max(maxAbs, Math.abs(difference));
            squaredError += difference * difference;
            squaredExact += (double) exact[i] * exact[i];
        }
        int n = Math.max(1, exact.length);
        double exactRms = Math.sqrt(squaredExact / n);
        double errorRms = Math.sqrt(squaredError / n);
        return new Report(maxAbs, exactRms > 0 ? errorRms / exactRms : errorRms, exactRms);
    }

    /**
     * The errors of one comparison.
     *
     * @param maxAbsError  {@code max |O_approx − O_exact|} over all elements
     * @param relativeRms  {@code RMS(O_approx − O_exact) / RMS(O_exact)} (the absolute RMS when O_exact is 0)
     * @param exactRms     {@code RMS(O_exact)}, the scale both errors should be read against
     * @since 0.1
     */
    public record Report(double maxAbsError, double relativeRms, double exactRms) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "max |dO| = %.4g, RMS(dO)/RMS(O) = %.4g (RMS(O) = %.4g)",
                    maxAbsError, relativeRms, exactRms);
        }
    }
}
