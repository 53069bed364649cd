package org.attention4j.kernel.panama;

import static org.attention4j.kernel.panama.PanamaConstants.LANES;
import static org.attention4j.kernel.panama.PanamaConstants.SPECIES;
import static org.attention4j.kernel.panama.PanamaConstants.TILE_WIDTH;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * A fast {@code 2^x} on whole vectors for the softmax: {@code x = n + f} with {@code n} the nearest
 * integer and {@code f ∈ [−½, ½]}; {@code 2^f} by a degree-5 polynomial (coefficients fitted for
 * minimax relative error on [−½, ½]); {@code 2^n} by writing {@code n + 127} into the exponent bits.
 *
 * <p>Maximum relative error 2.4e-7 (about 2 ulp) for {@code x ∈ [−125, 127]}, measured by
 * {@code VectorExp2Test} against {@code Math.pow(2, x)}. Inputs below −125 (including −∞) give exactly
 * 0 — by compare and blend, as the softmax needs {@code exp(−∞) = 0} for masked scores; the softmax
 * only passes {@code x <= 0}, and results above 2^127 are not defined. NaN stays NaN. GELU
 * ({@code PanamaRowOps.gelu}) writes the same steps out in its loop: change both together.
 */
final class VectorExp2 {
    static final float MIN_EXPONENT = -125f;
    /** 1.5·2²³: adding it rounds a float in ±2²² to the nearest integer, left in the low mantissa bits. */
    static final float ROUND_MAGIC = 12582912f;
    static final float C0 = 1.0000001192092896f;
    static final float C1 = 0.6931469440460205f;
    static final float C2 = 0.24022120237350464f;
    static final float C3 = 0.05550713092088699f;
    static final float C4 = 0.009675540961325169f;
    static final float C5 = 0.001327647129073739f;

    private VectorExp2() {}

    /**
     * Over row panels of {@code TILE_WIDTH} lanes (two vectors), for each {@code at} in {@code [first, end)}
     * step {@code TILE_WIDTH} and lane {@code j}: {@code x[at + j] = 2^(x[at + j] − m_j)}, with
     * {@code m_j = max[maxAt + j]}, or 0 where that is −∞ (a row that has seen no key: keeps −∞ − −∞ =
     * NaN out), or 0 for every lane when {@code max} is null (2^x of the values themselves). Then, when
     * {@code sum} is not null, {@code sum[sumAt + j] = sum[sumAt + j]·scale[sumAt + j] + Σ_at x[at + j]} —
     * the online softmax's {@code l = l·alpha + rowsum(P)}.
     *
     * <p>Only arrays cross this call, never a vector: a helper that takes or returns a vector is boxed
     * whenever C2 does not inline it, and whether it does depends on the caller's compile (its node and
     * bytecode budgets, which other methods were compiled first). An {@code exp2(FloatVector)} helper
     * inlined into one JVM's compile of the driver and called out of line in another's allocated ~500 MiB
     * per call there at half the speed (docs/PERFORMANCE.md, "The JIT lottery").
     */
    static void exp2Panels(float[] x, int first, int end, float[] max, int maxAt, float[] sum, float[] scale,
                           int sumAt) {
        FloatVector m0 = FloatVector.zero(SPECIES), m1 = m0;
        if (max != null) {
            m0 = FloatVector.fromArray(SPECIES, max, maxAt);
            m1 = FloatVector.fromArray(SPECIES, max, maxAt + LANES);
            m0 = m0.blend(0f, m0.eq(Float.NEGATIVE_INFINITY));
            m1 = m1.blend(0f, m1.eq(Float.NEGATIVE_INFINITY));
        }
        FloatVector s0 = FloatVector.zero(SPECIES), s1 = s0;
        FloatVector c0 = FloatVector.broadcast(SPECIES, C0), c1 = FloatVector.broadcast(SPECIES, C1);
        FloatVector c2 = FloatVector.broadcast(SPECIES, C2), c3 = FloatVector.broadcast(SPECIES, C3);
        FloatVector c4 = FloatVector.broadcast(SPECIES, C4), c5 = FloatVector.broadcast(SPECIES, C5);
        for (int at = first; at < end; at += TILE_WIDTH) {
            // Two independent chains per step, one per vector of the panel. x = n + f, f ∈ [−½, ½]:
            // 'shifted' holds n in its low mantissa bits (two's complement) after adding ROUND_MAGIC.
            FloatVector x0 = FloatVector.fromArray(SPECIES, x, at).sub(m0);
            FloatVector x1 = FloatVector.fromArray(SPECIES, x, at + LANES).sub(m1);
            FloatVector shifted0 = x0.add(ROUND_MAGIC), shifted1 = x1.add(ROUND_MAGIC);
            FloatVector f0 = x0.sub(shifted0.sub(ROUND_MAGIC)), f1 = x1.sub(shifted1.sub(ROUND_MAGIC));
            // Horner: ((((C5·f + C4)·f + C3)·f + C2)·f + C1)·f + C0, as exp2(float) below
            FloatVector p0 = f0.fma(c5, c4).fma(f0, c3).fma(f0, c2).fma(f0, c1).fma(f0, c0);
            FloatVector p1 = f1.fma(c5, c4).fma(f1, c3).fma(f1, c2).fma(f1, c1).fma(f1, c0);
            // << 23 moves n into the exponent field; adding it to p's bits multiplies p by 2^n
            // (p ∈ [0.7, 1.5) keeps the exponent normal for −125 <= n <= 127). Below −125 (and −∞): 0.
            FloatVector e0 = ((IntVector) shifted0.reinterpretAsInts()).lanewise(VectorOperators.LSHL, 23)
                    .add((IntVector) p0.reinterpretAsInts()).reinterpretAsFloats().blend(0f, x0.lt(MIN_EXPONENT));
            FloatVector e1 = ((IntVector) shifted1.reinterpretAsInts()).lanewise(VectorOperators.LSHL, 23)
                    .add((IntVector) p1.reinterpretAsInts()).reinterpretAsFloats().blend(0f, x1.lt(MIN_EXPONENT));
            e0.intoArray(x, at);
            e1.intoArray(x, at + LANES);
            s0 = s0.add(e0);
            s1 = s1.add(e1);
        }
        if (sum != null) {
            FloatVector.fromArray(SPECIES, sum, sumAt).fma(FloatVector.fromArray(SPECIES, scale, sumAt), s0)
                    .intoArray(sum, sumAt);
            FloatVector.fromArray(SPECIES, sum, sumAt + LANES)
                    .fma(FloatVector.fromArray(SPECIES, scale, sumAt + LANES), s1).intoArray(sum, sumAt + LANES);
        }
    }

    /**
     * {@code x[i] = 2^(x[i] − max)} for {@code i} in {@code [first, end)} of one row (contiguous, as the
     * decode path's row-major scores), {@code max} taken as 0 when it is −∞; returns {@code Σ x[i]}. Two
     * vectors per step, then one, then the scalar twin for the tail: bit for bit {@link #exp2Panels}'s
     * values.
     */
    static float exp2Row(float[] x, int first, int end, float max) {
        float m = max == Float.NEGATIVE_INFINITY ? 0f : max;
        FloatVector s0 = FloatVector.zero(SPECIES), s1 = s0;
        FloatVector c0 = FloatVector.broadcast(SPECIES, C0), c1 = FloatVector.broadcast(SPECIES, C1);
        FloatVector c2 = FloatVector.broadcast(SPECIES, C2), c3 = FloatVector.broadcast(SPECIES, C3);
        FloatVector c4 = FloatVector.broadcast(SPECIES, C4), c5 = FloatVector.broadcast(SPECIES, C5);
        int at = first;
        for (; at + 2 * LANES <= end; at += 2 * LANES) {
            FloatVector x0 = FloatVector.fromArray(SPECIES, x, at).sub(m);
            FloatVector x1 = FloatVector.fromArray(SPECIES, x, at + LANES).sub(m);
            FloatVector shifted0 = x0.add(ROUND_MAGIC), shifted1 = x1.add(ROUND_MAGIC);
            FloatVector f0 = x0.sub(shifted0.sub(ROUND_MAGIC)), f1 = x1.sub(shifted1.sub(ROUND_MAGIC));
            FloatVector p0 = f0.fma(c5, c4).fma(f0, c3).fma(f0, c2).fma(f0, c1).fma(f0, c0);
            FloatVector p1 = f1.fma(c5, c4).fma(f1, c3).fma(f1, c2).fma(f1, c1).fma(f1, c0);
            FloatVector e0 = ((IntVector) shifted0.reinterpretAsInts()).lanewise(VectorOperators.LSHL, 23)
                    .add((IntVector) p0.reinterpretAsInts()).reinterpretAsFloats().blend(0f, x0.lt(MIN_EXPONENT));
            FloatVector e1 = ((IntVector) shifted1.reinterpretAsInts()).lanewise(VectorOperators.LSHL, 23)
                    .add((IntVector) p1.reinterpretAsInts()).reinterpretAsFloats().blend(0f, x1.lt(MIN_EXPONENT));
            e0.intoArray(x, at);
            e1.intoArray(x, at + LANES);
            s0 = s0.add(e0);
            s1 = s1.add(e1);
        }
        if (at + LANES <= end) {
            FloatVector x0 = FloatVector.fromArray(SPECIES, x, at).sub(m);
            FloatVector shifted0 = x0.add(ROUND_MAGIC);
            FloatVector f0 = x0.sub(shifted0.sub(ROUND_MAGIC));
            FloatVector p0 = f0.fma(c5, c4).fma(f0, c3).fma(f0, c2).fma(f0, c1).fma(f0, c0);
            FloatVector e0 = ((IntVector) shifted0.reinterpretAsInts()).lanewise(VectorOperators.LSHL, 23)
                    .add((IntVector) p0.reinterpretAsInts()).reinterpretAsFloats().blend(0f, x0.lt(MIN_EXPONENT));
            e0.intoArray(x, at);
            s0 = s0.add(e0);
            at += LANES;
        }
        float sum = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; at < end; at++) {
            float e = exp2(x[at] - m);
            x[at] = e;
            sum += e;
        }
        return sum;
    }

    /**
     * The same arithmetic on one float, in the same order with the same fused steps: bit for bit what a
     * lane of {@link #exp2Panels} gives (VectorExp2Test checks it). For tails shorter than a panel.
     */
    static float exp2(float x) {
        float shifted = x + ROUND_MAGIC;
        float f = x - (shifted - ROUND_MAGIC);
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(f, C5, C4), f, C3), f, C2), f, C1), f, C0);
        float e = Float.intBitsToFloat((Float.floatToRawIntBits(shifted) << 23) + Float.floatToRawIntBits(p));
        return x < MIN_EXPONENT ? 0f : e;
    }
}
