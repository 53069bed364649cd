package org.attention4j.kernel.panama;

import static org.attention4j.kernel.panama.PanamaConstants.LANES;
import static org.attention4j.kernel.panama.PanamaConstants.SPECIES;

import jdk.incubator.vector.FloatVector;

/**
 * 16 × 16 transposes in registers, for 16-lane (AVX-512) vectors: the row → panel copies of the query
 * and value tiles. Four butterfly stages of two-vector permutes ({@code selectFrom}, vpermt2ps):
 * at stage b, the vectors i and i + b (bit b of i clear) trade their lanes whose bit b differs, so after
 * the stages b = 1, 2, 4, 8 vector i holds lane i of every input. On Zen 5 this moved 0.18 ns per element
 * against 0.31 for a 16-lane gather per column and 0.45 for a scalar loop (128 rows 2 KiB apart, D = 64).
 * Written out by hand: vectors in an array would live in memory, not registers.
 */
final class RegisterTranspose {
    /** Whether the vectors have the 16 lanes this transpose is written for; otherwise callers gather. */
    static final boolean USABLE = LANES == 16;

    private static final FloatVector LOW_1 = FloatVector.fromArray(SPECIES, indices(1, true), 0);
    private static final FloatVector HIGH_1 = FloatVector.fromArray(SPECIES, indices(1, false), 0);
    private static final FloatVector LOW_2 = FloatVector.fromArray(SPECIES, indices(2, true), 0);
    private static final FloatVector HIGH_2 = FloatVector.fromArray(SPECIES, indices(2, false), 0);
    private static final FloatVector LOW_4 = FloatVector.fromArray(SPECIES, indices(4, true), 0);
    private static final FloatVector HIGH_4 = FloatVector.fromArray(SPECIES, indices(4, false), 0);
    private static final FloatVector LOW_8 = FloatVector.fromArray(SPECIES, indices(8, true), 0);
    private static final FloatVector HIGH_8 = FloatVector.fromArray(SPECIES, indices(8, false), 0);

    private RegisterTranspose() {}

    /**
     * The lane indices (into the pair {@code (a, b)}, b's lanes counted from LANES) of the first output
     * ({@code low}: a's lanes with bit {@code bit} clear, then b's from lane − bit) or of the second
     * (a's lanes from lane + bit, then b's with the bit set) of a butterfly stage.
     */
    private static float[] indices(int bit, boolean low) {
        float[] index = new float[LANES];
        for (int lane = 0; lane < LANES; lane++) {
            boolean clear = (lane & bit) == 0;
            index[lane] = low ? (clear ? lane : LANES + lane - bit) : (clear ? lane + bit : LANES + lane);
        }
        return index;
    }

    /**
     * {@code dst[dstFirst + i·dstStride + j] = src[srcFirst + j·srcStride + i] · factor} for {@code i, j < 16}
     * (factor 1: a plain copy). A float, not a vector, crosses the call: a vector argument is boxed
     * whenever C2 does not inline this large method (1.5 KiB per call at n = 256 in AllocationTest).
     */
    static void transpose(float[] src, int srcFirst, int srcStride, float factor, float[] dst, int dstFirst,
                          int dstStride) {
        FloatVector v0 = FloatVector.fromArray(SPECIES, src, srcFirst + 0 * srcStride);
        FloatVector v1 = FloatVector.fromArray(SPECIES, src, srcFirst + 1 * srcStride);
        FloatVector v2 = FloatVector.fromArray(SPECIES, src, srcFirst + 2 * srcStride);
        FloatVector v3 = FloatVector.fromArray(SPECIES, src, srcFirst + 3 * srcStride);
        FloatVector v4 = FloatVector.fromArray(SPECIES, src, srcFirst + 4 * srcStride);
        FloatVector v5 = FloatVector.fromArray(SPECIES, src, srcFirst + 5 * srcStride);
        FloatVector v6 = FloatVector.fromArray(SPECIES, src, srcFirst + 6 * srcStride);
        FloatVector v7 = FloatVector.fromArray(SPECIES, src, srcFirst + 7 * srcStride);
        FloatVector v8 = FloatVector.fromArray(SPECIES, src, srcFirst + 8 * srcStride);
        FloatVector v9 = FloatVector.fromArray(SPECIES, src, srcFirst + 9 * srcStride);
        FloatVector v10 = FloatVector.fromArray(SPECIES, src, srcFirst + 10 * srcStride);
        FloatVector v11 = FloatVector.fromArray(SPECIES, src, srcFirst + 11 * srcStride);
        FloatVector v12 = FloatVector.fromArray(SPECIES, src, srcFirst + 12 * srcStride);
        FloatVector v13 = FloatVector.fromArray(SPECIES, src, srcFirst + 13 * srcStride);
        FloatVector v14 = FloatVector.fromArray(SPECIES, src, srcFirst + 14 * srcStride);
        FloatVector v15 = FloatVector.fromArray(SPECIES, src, srcFirst + 15 * srcStride);
        if (factor != 1f) {
            FloatVector scale = FloatVector.broadcast(SPECIES, factor);
            v0 = v0.mul(scale); v1 = v1.mul(scale); v2 = v2.mul(scale); v3 = v3.mul(scale);
            v4 = v4.mul(scale); v5 = v5.mul(scale); v6 = v6.mul(scale); v7 = v7.mul(scale);
            v8 = v8.mul(scale); v9 = v9.mul(scale); v10 = v10.mul(scale); v11 = v11.mul(scale);
            v12 = v12.mul(scale); v13 = v13.mul(scale); v14 = v14.mul(scale); v15 = v15.mul(scale);
        }
        FloatVector t;
        // stage 1
        t = LOW_1.selectFrom(v0, v1); v1 = HIGH_1.selectFrom(v0, v1); v0 = t;
        t = LOW_1.selectFrom(v2, v3); v3 = HIGH_1.selectFrom(v2, v3); v2 = t;
        t = LOW_1.selectFrom(v4, v5); v5 = HIGH_1.selectFrom(v4, v5); v4 = t;
        t = LOW_1.selectFrom(v6, v7); v7 = HIGH_1.selectFrom(v6, v7); v6 = t;
        t = LOW_1.selectFrom(v8, v9); v9 = HIGH_1.selectFrom(v8, v9); v8 = t;
        t = LOW_1.selectFrom(v10, v11); v11 = HIGH_1.selectFrom(v10, v11); v10 = t;
        t = LOW_1.selectFrom(v12, v13); v13 = HIGH_1.selectFrom(v12, v13); v12 = t;
        t = LOW_1.selectFrom(v14, v15); v15 = HIGH_1.selectFrom(v14, v15); v14 = t;
        // stage 2
        t = LOW_2.selectFrom(v0, v2); v2 = HIGH_2.selectFrom(v0, v2); v0 = t;
        t = LOW_2.selectFrom(v1, v3); v3 = HIGH_2.selectFrom(v1, v3); v1 = t;
        t = LOW_2.selectFrom(v4, v6); v6 = HIGH_2.selectFrom(v4, v6); v4 = t;
        t = LOW_2.selectFrom(v5, v7); v7 = HIGH_2.selectFrom(v5, v7); v5 = t;
        t = LOW_2.selectFrom(v8, v10); v10 = HIGH_2.selectFrom(v8, v10); v8 = t;
        t = LOW_2.selectFrom(v9, v11); v11 = HIGH_2.selectFrom(v9, v11); v9 = t;
        t = LOW_2.selectFrom(v12, v14); v14 = HIGH_2.selectFrom(v12, v14); v12 = t;
        t = LOW_2.selectFrom(v13, v15); v15 = HIGH_2.selectFrom(v13, v15); v13 = t;
        // stage 4
        t = LOW_4.selectFrom(v0, v4); v4 = HIGH_4.selectFrom(v0, v4); v0 = t;
        t = LOW_4.selectFrom(v1, v5); v5 = HIGH_4.selectFrom(v1, v5); v1 = t;
        t = LOW_4.selectFrom(v2, v6); v6 = HIGH_4.selectFrom(v2, v6); v2 = t;
        t = LOW_4.selectFrom(v3, v7); v7 = HIGH_4.selectFrom(v3, v7); v3 = t;
        t = LOW_4.selectFrom(v8, v12); v12 = HIGH_4.selectFrom(v8, v12); v8 = t;
        t = LOW_4.selectFrom(v9, v13); v13 = HIGH_4.selectFrom(v9, v13); v9 = t;
        t = LOW_4.selectFrom(v10, v14); v14 = HIGH_4.selectFrom(v10, v14); v10 = t;
        t = LOW_4.selectFrom(v11, v15); v15 = HIGH_4.selectFrom(v11, v15); v11 = t;
        // stage 8
        t = LOW_8.selectFrom(v0, v8); v8 = HIGH_8.selectFrom(v0, v8); v0 = t;
        t = LOW_8.selectFrom(v1, v9); v9 = HIGH_8.selectFrom(v1, v9); v1 = t;
        t = LOW_8.selectFrom(v2, v10); v10 = HIGH_8.selectFrom(v2, v10); v2 = t;
        t = LOW_8.selectFrom(v3, v11); v11 = HIGH_8.selectFrom(v3, v11); v3 = t;
        t = LOW_8.selectFrom(v4, v12); v12 = HIGH_8.selectFrom(v4, v12); v4 = t;
        t = LOW_8.selectFrom(v5, v13); v13 = HIGH_8.selectFrom(v5, v13); v5 = t;
        t = LOW_8.selectFrom(v6, v14); v14 = HIGH_8.selectFrom(v6, v14); v6 = t;
        t = LOW_8.selectFrom(v7, v15); v15 = HIGH_8.selectFrom(v7, v15); v7 = t;
        v0.intoArray(dst, dstFirst + 0 * dstStride);
        v1.intoArray(dst, dstFirst + 1 * dstStride);
        v2.intoArray(dst, dstFirst + 2 * dstStride);
        v3.intoArray(dst, dstFirst + 3 * dstStride);
        v4.intoArray(dst, dstFirst + 4 * dstStride);
        v5.intoArray(dst, dstFirst + 5 * dstStride);
        v6.intoArray(dst, dstFirst + 6 * dstStride);
        v7.intoArray(dst, dstFirst + 7 * dstStride);
        v8.intoArray(dst, dstFirst + 8 * dstStride);
        v9.intoArray(dst, dstFirst + 9 * dstStride);
        v10.intoArray(dst, dstFirst + 10 * dstStride);
        v11.intoArray(dst, dstFirst + 11 * dstStride);
        v12.intoArray(dst, dstFirst + 12 * dstStride);
        v13.intoArray(dst, dstFirst + 13 * dstStride);
        v14.intoArray(dst, dstFirst + 14 * dstStride);
        v15.intoArray(dst, dstFirst + 15 * dstStride);
    }
}
