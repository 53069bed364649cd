package org.attention4j.kernel.panama;

import static org.attention4j.kernel.gemm.RowMath.C0;
import static org.attention4j.kernel.gemm.RowMath.C1;
import static org.attention4j.kernel.gemm.RowMath.C2;
import static org.attention4j.kernel.gemm.RowMath.C3;
import static org.attention4j.kernel.gemm.RowMath.C4;
import static org.attention4j.kernel.gemm.RowMath.C5;
import static org.attention4j.kernel.gemm.RowMath.C6;
import static org.attention4j.kernel.gemm.RowMath.C7;
import static org.attention4j.kernel.gemm.RowMath.C8;
import static org.attention4j.kernel.gemm.RowMath.C9;
import static org.attention4j.kernel.gemm.RowMath.INV_SQRT2;
import static org.attention4j.kernel.panama.PanamaConstants.LANES;
import static org.attention4j.kernel.panama.PanamaConstants.SPECIES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.attention4j.kernel.gemm.RowMath;

/**
 * The element-wise layer steps (GELU, LayerNorm) on whole vectors, each one method with its vectors
 * inside it (nothing vector-typed crosses a call); the scalar formula ({@link RowMath}) does the tails.
 */
final class PanamaRowOps {
    private static final float LOG2_E = 1.44269504088896341f;

    private PanamaRowOps() {}

    /** GELU in place on {@code x[from .. to)}: the formula of {@link RowMath#gelu}, lane by lane. */
    static void gelu(float[] x, int from, int to) {
        int i = from;
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        FloatVector e0 = FloatVector.broadcast(SPECIES, VectorExp2.C0);
        FloatVector e1 = FloatVector.broadcast(SPECIES, VectorExp2.C1);
        FloatVector e2 = FloatVector.broadcast(SPECIES, VectorExp2.C2);
        FloatVector e3 = FloatVector.broadcast(SPECIES, VectorExp2.C3);
        FloatVector e4 = FloatVector.broadcast(SPECIES, VectorExp2.C4);
        FloatVector e5 = FloatVector.broadcast(SPECIES, VectorExp2.C5);
        for (int bound = from + SPECIES.loopBound(to - from); i < bound; i += LANES) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, i);
            FloatVector z = v.abs().mul(INV_SQRT2);
            FloatVector t = one.div(z.lanewise(VectorOperators.FMA, 0.5f, 1f)); // 1/(1 + z/2)
            FloatVector p = t.lanewise(VectorOperators.FMA, C9, C8); // Horner: p = p·t + C_k
            p = p.fma(t, FloatVector.broadcast(SPECIES, C7));
            p = p.fma(t, FloatVector.broadcast(SPECIES, C6));
            p = p.fma(t, FloatVector.broadcast(SPECIES, C5));
            p = p.fma(t, FloatVector.broadcast(SPECIES, C4));
            p = p.fma(t, FloatVector.broadcast(SPECIES, C3));
            p = p.fma(t, FloatVector.broadcast(SPECIES, C2));
            p = p.fma(t, FloatVector.broadcast(SPECIES, C1));
            p = p.fma(t, FloatVector.broadcast(SPECIES, C0));
            // g = ½·erfc(|x|/√2) = ½·t·exp(P(t) − z²) = ½·t·2^e with e = (P(t) − z²)·log₂e ≲ 0; 2^e as
            // VectorExp2 computes it, written out here (vectors never cross a call) instead of the EXP
            // operator, an out-of-line SVML call per vector: 7.3 against 8.6 ns per 16 lanes (Zen 5). Keep it
            // in step with VectorExp2.exp2Panels.
            FloatVector e = p.sub(z.mul(z)).mul(LOG2_E);
            FloatVector shifted = e.add(VectorExp2.ROUND_MAGIC);
            FloatVector f = e.sub(shifted.sub(VectorExp2.ROUND_MAGIC));
            FloatVector q = f.fma(e5, e4).fma(f, e3).fma(f, e2).fma(f, e1).fma(f, e0);
            FloatVector exp = ((IntVector) shifted.reinterpretAsInts()).lanewise(VectorOperators.LSHL, 23)
                    .add((IntVector) q.reinterpretAsInts()).reinterpretAsFloats()
                    .blend(0f, e.lt(VectorExp2.MIN_EXPONENT));
            FloatVector g = t.mul(0.5f).mul(exp);
            FloatVector xg = v.mul(g);
            VectorMask<Float> negative = v.compare(VectorOperators.LT, 0f);
            v.sub(xg).blend(xg, negative).intoArray(x, i);
        }
        for (; i < to; i++) { // scalar tail
            x[i] = RowMath.gelu(x[i]);
        }
    }

    /**
     * {@code x[at + j] += bias[biasAt + j] + residual[at + j]} for {@code j < count}, either term may be
     * null (the bias first, then the residual, as the scalar epilogue adds them).
     */
    static void addRows(float[] x, int at, int count, float[] bias, int biasAt, float[] residual) {
        int j = 0;
        if (bias != null && residual != null) {
            for (int bound = SPECIES.loopBound(count); j < bound; j += LANES) {
                FloatVector.fromArray(SPECIES, x, at + j).add(FloatVector.fromArray(SPECIES, bias, biasAt + j))
                        .add(FloatVector.fromArray(SPECIES, residual, at + j)).intoArray(x, at + j);
            }
        } else if (bias != null) {
            for (int bound = SPECIES.loopBound(count); j < bound; j += LANES) {
                FloatVector.fromArray(SPECIES, x, at + j).add(FloatVector.fromArray(SPECIES, bias, biasAt + j))
                        .intoArray(x, at + j);
            }
        } else if (residual != null) {
            for (int bound = SPECIES.loopBound(count); j < bound; j += LANES) {
                FloatVector.fromArray(SPECIES, x, at + j).add(FloatVector.fromArray(SPECIES, residual, at + j))
                        .intoArray(x, at + j);
            }
        }
        for (; j < count; j++) { // scalar tail
            float v = x[at + j];
            if (bias != null) {
                v += bias[biasAt + j];
            }
            if (residual != null) {
                v += residual[at + j];
            }
            x[at + j] = v;
        }
    }

    /** LayerNorm of one row in place (see {@code GemmKernel.layerNorm}); sums in float vectors. */
    static void layerNorm(float[] x, float[] residual, int at, int width, float[] gamma, float[] beta, float eps) {
        int bound = SPECIES.loopBound(width);
        FloatVector sums = FloatVector.zero(SPECIES);
        int c = 0;
        for (; c < bound; c += LANES) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, at + c);
            if (residual != null) {
                v = v.add(FloatVector.fromArray(SPECIES, residual, at + c));
                v.intoArray(x, at + c);
            }
            sums = sums.add(v);
        }
        float sum = sums.reduceLanes(VectorOperators.ADD);
        for (; c < width; c++) { // scalar tail
            if (residual != null) {
                x[at + c] += residual[at + c];
            }
            sum += x[at + c];
        }
        float mean = sum / width;
        FloatVector squares = FloatVector.zero(SPECIES);
        for (c = 0; c < bound; c += LANES) {
            FloatVector centered = FloatVector.fromArray(SPECIES, x, at + c).sub(mean);
            squares = centered.fma(centered, squares);
        }
        float square = squares.reduceLanes(VectorOperators.ADD);
        for (; c < width; c++) { // scalar tail
            float centered = x[at + c] - mean;
            square += centered * centered;
        }
        float inverse = (float) (1 / Math.sqrt(square / width + eps));
        for (c = 0; c < bound; c += LANES) {
            FloatVector.fromArray(SPECIES, x, at + c).sub(mean).mul(inverse)
                    .fma(FloatVector.fromArray(SPECIES, gamma, c), FloatVector.fromArray(SPECIES, beta, c))
                    .intoArray(x, at + c);
        }
        for (; c < width; c++) { // scalar tail
            x[at + c] = (x[at + c] - mean) * inverse * gamma[c] + beta[c];
        }
    }
}
