package org.attention4j.kernel.panama;

import static org.attention4j.kernel.panama.PanamaConstants.SPECIES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * A fast {@code 2^x} on whole vectors for the softmax: {@code x = n + f} with {@code n} the nearest
 * integer and {@code f ∈ [−½, ½]}; {@code 2^f} by a degree-5 polynomial (coefficients fitted for
 * minimax relative error on [−½, ½]); {@code 2^n} by writing {@code n + 127} into the exponent bits.
 *
 * <p>Maximum relative error 2.4e-7 (about 2 ulp) for {@code x ∈ [−125, 127]}, measured by
 * {@code VectorExp2Test} against {@code Math.pow(2, x)}. Inputs below −125 (including −∞) give exactly
 * 0 — by compare and blend, as the softmax needs {@code exp(−∞) = 0} for masked scores; the softmax
 * only passes {@code x <= 0}, and results above 2^127 are not defined. NaN stays NaN.
 */
final class VectorExp2 {
    private static final float MIN_EXPONENT = -125f;
    /** 1.5·2²³: adding it rounds a float in ±2²² to the nearest integer, left in the low mantissa bits. */
    private static final float ROUND_MAGIC = 12582912f;
    private static final float C0 = 1.0000001192092896f;
    private static final float C1 = 0.6931469440460205f;
    private static final float C2 = 0.24022120237350464f;
    private static final float C3 = 0.05550713092088699f;
    private static final float C4 = 0.009675540961325169f;
    private static final float C5 = 0.001327647129073739f;

    private VectorExp2() {}

    static FloatVector exp2(FloatVector x) {
        VectorMask<Float> underflow = x.lt(MIN_EXPONENT); // also −∞; false for NaN
        FloatVector shifted = x.add(ROUND_MAGIC);
        FloatVector f = x.sub(shifted.sub(ROUND_MAGIC)); // f ∈ [−½, ½]
        FloatVector p = f.fma(C5, C4); // Horner: ((((C5·f + C4)·f + C3)·f + C2)·f + C1)·f + C0
        p = p.fma(f, FloatVector.broadcast(SPECIES, C3));
        p = p.fma(f, FloatVector.broadcast(SPECIES, C2));
        p = p.fma(f, FloatVector.broadcast(SPECIES, C1));
        p = p.fma(f, FloatVector.broadcast(SPECIES, C0));
        // The low bits of 'shifted' hold n (two's complement); << 23 moves n into the exponent field,
        // and adding it to p's bits multiplies p by 2^n. p ∈ [0.7, 1.5) keeps the exponent normal for
        // n >= −125 (the underflow threshold) and n <= 127.
        IntVector scaled = ((IntVector) shifted.reinterpretAsInts()).lanewise(VectorOperators.LSHL, 23)
                .add((IntVector) p.reinterpretAsInts());
        return ((FloatVector) scaled.reinterpretAsFloats()).blend(0f, underflow);
    }

    /** Scalar convenience for tests: the same arithmetic on one value. */
    static float exp2(float x) {
        return exp2(FloatVector.broadcast(SPECIES, x)).lane(0);
    }
}
