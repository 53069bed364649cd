package org.attention4j.kernel.panama;

import static org.attention4j.kernel.panama.PanamaConstants.BYTES;
import static org.attention4j.kernel.panama.PanamaConstants.INTS;
import static org.attention4j.kernel.panama.PanamaConstants.KEY_BLOCK;
import static org.attention4j.kernel.panama.PanamaConstants.LANES;
import static org.attention4j.kernel.panama.PanamaConstants.SHORTS;
import static org.attention4j.kernel.panama.PanamaConstants.SPECIES;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import org.attention4j.ElementType;
import org.attention4j.kernel.NarrowRows;
import org.attention4j.kernel.RowsAhead;

/**
 * The decode kernels ({@code scoreRows}, {@code accumulateValueRows} of {@link PanamaTileOps}) over
 * bfloat16, float16 and int8 rows read where they lie: each vector of {@code LANES} narrow elements is
 * loaded, widened in registers and used at once, so K and V are read from memory once, by the loop that
 * computes on them (widening a block into float32 first streamed at a third of the read bandwidth).
 *
 * <p>One loop per type and row count: the widening differs per type (bfloat16: a 16-bit shift; float16:
 * re-biased by × 2^112, infinities and NaN patched, as {@link PanamaWidening}; int8: a conversion, the
 * row's scale applied to the dot product or folded into the probability), and a vector must not cross a
 * call or merge from two branches, so each variant is written out. Tail dimensions (head sizes that are
 * not a multiple of {@code LANES}) and int8 at 128 bits (no 4-byte vector shape) read
 * {@link NarrowRows#get} element by element, in passes of their own after the vector loops: the loops
 * call nothing but helpers under C2's {@code MaxInlineSize} (35 bytecodes), which every compile inlines
 * (a 37-byte tail helper called per key was inlined in one JVM and called out of line, 2× slower, in
 * another).
 */
final class PanamaNarrowRows {
    private PanamaNarrowRows() {}

    /** Keys per pass of the value product, as the float32 kernel's. */
    private static final int VALUE_ROWS_PER_PASS = 32;

    /** {@link org.attention4j.kernel.TileOps#scoreNarrowRows}. */
    static float scoreRows(float[] queries, int rows, int headDim, NarrowRows keys, int keyCount, float[] scores,
                           RowsAhead ahead) {
        float touched = 0f;
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            RowsAhead touch = r == 0 ? ahead : null;
            touched += switch (keys.type) {
                case BFLOAT16 -> fourRowsBfloat16(queries, r, headDim, keys, keyCount, scores, touch);
                case FLOAT16 -> fourRowsFloat16(queries, r, headDim, keys, keyCount, scores, touch);
                case INT8 -> fourRowsInt8(queries, r, headDim, keys, keyCount, scores, touch);
                case FLOAT32 -> throw new IllegalArgumentException("float32 keys are read as float[]");
            };
        }
        for (; r < rows; r++) {
            RowsAhead touch = r == 0 ? ahead : null;
            touched += switch (keys.type) {
                case BFLOAT16 -> oneRowBfloat16(queries, r, headDim, keys, keyCount, scores, touch);
                case FLOAT16 -> oneRowFloat16(queries, r, headDim, keys, keyCount, scores, touch);
                case INT8 -> oneRowInt8(queries, r, headDim, keys, keyCount, scores, touch);
                case FLOAT32 -> throw new IllegalArgumentException("float32 keys are read as float[]");
            };
        }
        int vectorDims = keys.type == ElementType.INT8 && BYTES == null ? 0 : headDim / LANES * LANES;
        if (vectorDims < headDim) { // the dims past the vectors, in a pass of their own: no call per key above
            for (int c = 0; c < keyCount; c++) {
                for (int q = 0; q < rows; q++) {
                    float sum = 0f;
                    for (int d = vectorDims; d < headDim; d++) {
                        sum += queries[q * headDim + d] * keys.get(c, d);
                    }
                    scores[q * KEY_BLOCK + c] += keys.scale(c) * sum;
                }
            }
        }
        return touched;
    }

    // ---- scores: two keys per step share each query vector (half the query loads of one key at a
    // time: bfloat16 29 % and int8 23 % faster in cache; float16's longer widening ran 16 % slower that
    // way, so it takes one key a step); four rows share each widened key vector; one lane reduction per
    // score, times the row's scale (int8) ----

    private static float fourRowsBfloat16(float[] queries, int r, int headDim, NarrowRows keys, int keyCount,
                                     float[] scores, RowsAhead ahead) {
        short[] src = keys.shorts;
        float touched = 0f;
        int vectorDims = headDim / LANES * LANES, stride = keys.stride;
        int q0 = r * headDim, q1 = q0 + headDim, q2 = q1 + headDim, q3 = q2 + headDim;
        int c = 0, key = keys.first, at = r * KEY_BLOCK;
        for (; c + 2 <= keyCount; c += 2, key += 2 * stride, at += 2) {
            FloatVector s0 = FloatVector.zero(SPECIES), s1 = s0, s2 = s0, s3 = s0, u0 = s0, u1 = s0, u2 = s0, u3 = s0;
            for (int d = 0; d < vectorDims; d += LANES) {
                FloatVector k = ShortVector.fromArray(SHORTS, src, key + d).convertShape(VectorOperators.S2I, INTS, 0)
                        .reinterpretAsInts().lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
                FloatVector l = ShortVector.fromArray(SHORTS, src, key + stride + d).convertShape(VectorOperators.S2I, INTS, 0)
                        .reinterpretAsInts().lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
                FloatVector x0 = FloatVector.fromArray(SPECIES, queries, q0 + d);
                FloatVector x1 = FloatVector.fromArray(SPECIES, queries, q1 + d);
                FloatVector x2 = FloatVector.fromArray(SPECIES, queries, q2 + d);
                FloatVector x3 = FloatVector.fromArray(SPECIES, queries, q3 + d);
                s0 = k.fma(x0, s0);
                s1 = k.fma(x1, s1);
                s2 = k.fma(x2, s2);
                s3 = k.fma(x3, s3);
                u0 = l.fma(x0, u0);
                u1 = l.fma(x1, u1);
                u2 = l.fma(x2, u2);
                u3 = l.fma(x3, u3);
            }
            float scale = keys.scale(c);
            scores[at] = scale * s0.reduceLanes(VectorOperators.ADD);
            scores[at + KEY_BLOCK] = scale * s1.reduceLanes(VectorOperators.ADD);
            scores[at + 2 * KEY_BLOCK] = scale * s2.reduceLanes(VectorOperators.ADD);
            scores[at + 3 * KEY_BLOCK] = scale * s3.reduceLanes(VectorOperators.ADD);
            float nextScale = keys.scale(c + 1);
            scores[at + 1] = nextScale * u0.reduceLanes(VectorOperators.ADD);
            scores[at + 1 + KEY_BLOCK] = nextScale * u1.reduceLanes(VectorOperators.ADD);
            scores[at + 1 + 2 * KEY_BLOCK] = nextScale * u2.reduceLanes(VectorOperators.ADD);
            scores[at + 1 + 3 * KEY_BLOCK] = nextScale * u3.reduceLanes(VectorOperators.ADD);
            if (ahead != null) {
                touched += ahead.touchShorts(c) + ahead.touchShorts(c + 1);
            }
        }
        if (c < keyCount) { // the last key of an odd count
            FloatVector s0 = FloatVector.zero(SPECIES), s1 = s0, s2 = s0, s3 = s0;
            for (int d = 0; d < vectorDims; d += LANES) {
                FloatVector k = ShortVector.fromArray(SHORTS, src, key + d).convertShape(VectorOperators.S2I, INTS, 0)
                        .reinterpretAsInts().lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
                s0 = k.fma(FloatVector.fromArray(SPECIES, queries, q0 + d), s0);
                s1 = k.fma(FloatVector.fromArray(SPECIES, queries, q1 + d), s1);
                s2 = k.fma(FloatVector.fromArray(SPECIES, queries, q2 + d), s2);
                s3 = k.fma(FloatVector.fromArray(SPECIES, queries, q3 + d), s3);
            }
            float scale = keys.scale(c);
            scores[at] = scale * s0.reduceLanes(VectorOperators.ADD);
            scores[at + KEY_BLOCK] = scale * s1.reduceLanes(VectorOperators.ADD);
            scores[at + 2 * KEY_BLOCK] = scale * s2.reduceLanes(VectorOperators.ADD);
            scores[at + 3 * KEY_BLOCK] = scale * s3.reduceLanes(VectorOperators.ADD);
            if (ahead != null) {
                touched += ahead.touchShorts(c);
            }
        }
        return touched;
    }

    private static float oneRowBfloat16(float[] queries, int r, int headDim, NarrowRows keys, int keyCount,
                                   float[] scores, RowsAhead ahead) {
        short[] src = keys.shorts;
        float touched = 0f;
        int vectorDims = headDim / LANES * LANES, stride = keys.stride;
        int q0 = r * headDim;
        int c = 0, key = keys.first, at = r * KEY_BLOCK;
        for (; c + 2 <= keyCount; c += 2, key += 2 * stride, at += 2) {
            FloatVector s0 = FloatVector.zero(SPECIES), u0 = s0;
            for (int d = 0; d < vectorDims; d += LANES) {
                FloatVector k = ShortVector.fromArray(SHORTS, src, key + d).convertShape(VectorOperators.S2I, INTS, 0)
                        .reinterpretAsInts().lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
                FloatVector l = ShortVector.fromArray(SHORTS, src, key + stride + d).convertShape(VectorOperators.S2I, INTS, 0)
                        .reinterpretAsInts().lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
                FloatVector x0 = FloatVector.fromArray(SPECIES, queries, q0 + d);
                s0 = k.fma(x0, s0);
                u0 = l.fma(x0, u0);
            }
            scores[at] = keys.scale(c) * s0.reduceLanes(VectorOperators.ADD);
            scores[at + 1] = keys.scale(c + 1) * u0.reduceLanes(VectorOperators.ADD);
            if (ahead != null) {
                touched += ahead.touchShorts(c) + ahead.touchShorts(c + 1);
            }
        }
        if (c < keyCount) {
            FloatVector s0 = FloatVector.zero(SPECIES);
            for (int d = 0; d < vectorDims; d += LANES) {
                FloatVector k = ShortVector.fromArray(SHORTS, src, key + d).convertShape(VectorOperators.S2I, INTS, 0)
                        .reinterpretAsInts().lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
                s0 = k.fma(FloatVector.fromArray(SPECIES, queries, q0 + d), s0);
            }
            scores[at] = keys.scale(c) * s0.reduceLanes(VectorOperators.ADD);
            if (ahead != null) {
                touched += ahead.touchShorts(c);
            }
        }
        return touched;
    }

    private static float fourRowsFloat16(float[] queries, int r, int headDim, NarrowRows keys, int keyCount,
                                     float[] scores, RowsAhead ahead) {
        short[] src = keys.shorts;
        float touched = 0f;
        int vectorDims = headDim / LANES * LANES, stride = keys.stride;
        int q0 = r * headDim, q1 = q0 + headDim, q2 = q1 + headDim, q3 = q2 + headDim;
        int c = 0, key = keys.first, at = r * KEY_BLOCK;
        for (; c < keyCount; c++, key += stride, at++) { // one key a step: two ran slower (see above)
            FloatVector s0 = FloatVector.zero(SPECIES), s1 = s0, s2 = s0, s3 = s0;
            for (int d = 0; d < vectorDims; d += LANES) {
                IntVector kh = ShortVector.fromArray(SHORTS, src, key + d).convertShape(VectorOperators.S2I, INTS, 0)
                        .reinterpretAsInts();
                IntVector km = kh.and(0x7fff), ks = km.lanewise(VectorOperators.LSHL, 13);
                FloatVector k = ks.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                        .blend(ks.or(0x7f800000), km.compare(VectorOperators.GE, 0x7c00))
                        .or(kh.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
                s0 = k.fma(FloatVector.fromArray(SPECIES, queries, q0 + d), s0);
                s1 = k.fma(FloatVector.fromArray(SPECIES, queries, q1 + d), s1);
                s2 = k.fma(FloatVector.fromArray(SPECIES, queries, q2 + d), s2);
                s3 = k.fma(FloatVector.fromArray(SPECIES, queries, q3 + d), s3);
            }
            float scale = keys.scale(c);
            scores[at] = scale * s0.reduceLanes(VectorOperators.ADD);
            scores[at + KEY_BLOCK] = scale * s1.reduceLanes(VectorOperators.ADD);
            scores[at + 2 * KEY_BLOCK] = scale * s2.reduceLanes(VectorOperators.ADD);
            scores[at + 3 * KEY_BLOCK] = scale * s3.reduceLanes(VectorOperators.ADD);
            if (ahead != null) {
                touched += ahead.touchShorts(c);
            }
        }
        return touched;
    }

    private static float oneRowFloat16(float[] queries, int r, int headDim, NarrowRows keys, int keyCount,
                                   float[] scores, RowsAhead ahead) {
        short[] src = keys.shorts;
        float touched = 0f;
        int vectorDims = headDim / LANES * LANES, stride = keys.stride;
        int q0 = r * headDim;
        int c = 0, key = keys.first, at = r * KEY_BLOCK;
        for (; c < keyCount; c++, key += stride, at++) { // one key a step: two ran slower (see above)
            FloatVector s0 = FloatVector.zero(SPECIES);
            for (int d = 0; d < vectorDims; d += LANES) {
                IntVector kh = ShortVector.fromArray(SHORTS, src, key + d).convertShape(VectorOperators.S2I, INTS, 0)
                        .reinterpretAsInts();
                IntVector km = kh.and(0x7fff), ks = km.lanewise(VectorOperators.LSHL, 13);
                FloatVector k = ks.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                        .blend(ks.or(0x7f800000), km.compare(VectorOperators.GE, 0x7c00))
                        .or(kh.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
                s0 = k.fma(FloatVector.fromArray(SPECIES, queries, q0 + d), s0);
            }
            scores[at] = keys.scale(c) * s0.reduceLanes(VectorOperators.ADD);
            if (ahead != null) {
                touched += ahead.touchShorts(c);
            }
        }
        return touched;
    }

    private static float fourRowsInt8(float[] queries, int r, int headDim, NarrowRows keys, int keyCount,
                                     float[] scores, RowsAhead ahead) {
        byte[] src = keys.bytes;
        float touched = 0f;
        int vectorDims = BYTES == null ? 0 : headDim / LANES * LANES, stride = keys.stride;
        int q0 = r * headDim, q1 = q0 + headDim, q2 = q1 + headDim, q3 = q2 + headDim;
        int c = 0, key = keys.first, at = r * KEY_BLOCK;
        for (; c + 2 <= keyCount; c += 2, key += 2 * stride, at += 2) {
            FloatVector s0 = FloatVector.zero(SPECIES), s1 = s0, s2 = s0, s3 = s0, u0 = s0, u1 = s0, u2 = s0, u3 = s0;
            for (int d = 0; d < vectorDims; d += LANES) {
                FloatVector k = (FloatVector) ByteVector.fromArray(BYTES, src, key + d)
                        .convertShape(VectorOperators.B2F, SPECIES, 0);
                FloatVector l = (FloatVector) ByteVector.fromArray(BYTES, src, key + stride + d)
                        .convertShape(VectorOperators.B2F, SPECIES, 0);
                FloatVector x0 = FloatVector.fromArray(SPECIES, queries, q0 + d);
                FloatVector x1 = FloatVector.fromArray(SPECIES, queries, q1 + d);
                FloatVector x2 = FloatVector.fromArray(SPECIES, queries, q2 + d);
                FloatVector x3 = FloatVector.fromArray(SPECIES, queries, q3 + d);
                s0 = k.fma(x0, s0);
                s1 = k.fma(x1, s1);
                s2 = k.fma(x2, s2);
                s3 = k.fma(x3, s3);
                u0 = l.fma(x0, u0);
                u1 = l.fma(x1, u1);
                u2 = l.fma(x2, u2);
                u3 = l.fma(x3, u3);
            }
            float scale = keys.scale(c);
            scores[at] = scale * s0.reduceLanes(VectorOperators.ADD);
            scores[at + KEY_BLOCK] = scale * s1.reduceLanes(VectorOperators.ADD);
            scores[at + 2 * KEY_BLOCK] = scale * s2.reduceLanes(VectorOperators.ADD);
            scores[at + 3 * KEY_BLOCK] = scale * s3.reduceLanes(VectorOperators.ADD);
            float nextScale = keys.scale(c + 1);
            scores[at + 1] = nextScale * u0.reduceLanes(VectorOperators.ADD);
            scores[at + 1 + KEY_BLOCK] = nextScale * u1.reduceLanes(VectorOperators.ADD);
            scores[at + 1 + 2 * KEY_BLOCK] = nextScale * u2.reduceLanes(VectorOperators.ADD);
            scores[at + 1 + 3 * KEY_BLOCK] = nextScale * u3.reduceLanes(VectorOperators.ADD);
            if (ahead != null) {
                touched += ahead.touchShorts(c) + ahead.touchShorts(c + 1);
            }
        }
        if (c < keyCount) { // the last key of an odd count
            FloatVector s0 = FloatVector.zero(SPECIES), s1 = s0, s2 = s0, s3 = s0;
            for (int d = 0; d < vectorDims; d += LANES) {
                FloatVector k = (FloatVector) ByteVector.fromArray(BYTES, src, key + d)
                        .convertShape(VectorOperators.B2F, SPECIES, 0);
                s0 = k.fma(FloatVector.fromArray(SPECIES, queries, q0 + d), s0);
                s1 = k.fma(FloatVector.fromArray(SPECIES, queries, q1 + d), s1);
                s2 = k.fma(FloatVector.fromArray(SPECIES, queries, q2 + d), s2);
                s3 = k.fma(FloatVector.fromArray(SPECIES, queries, q3 + d), s3);
            }
            float scale = keys.scale(c);
            scores[at] = scale * s0.reduceLanes(VectorOperators.ADD);
            scores[at + KEY_BLOCK] = scale * s1.reduceLanes(VectorOperators.ADD);
            scores[at + 2 * KEY_BLOCK] = scale * s2.reduceLanes(VectorOperators.ADD);
            scores[at + 3 * KEY_BLOCK] = scale * s3.reduceLanes(VectorOperators.ADD);
            if (ahead != null) {
                touched += ahead.touchShorts(c);
            }
        }
        return touched;
    }

    private static float oneRowInt8(float[] queries, int r, int headDim, NarrowRows keys, int keyCount,
                                   float[] scores, RowsAhead ahead) {
        byte[] src = keys.bytes;
        float touched = 0f;
        int vectorDims = BYTES == null ? 0 : headDim / LANES * LANES, stride = keys.stride;
        int q0 = r * headDim;
        int c = 0, key = keys.first, at = r * KEY_BLOCK;
        for (; c + 2 <= keyCount; c += 2, key += 2 * stride, at += 2) {
            FloatVector s0 = FloatVector.zero(SPECIES), u0 = s0;
            for (int d = 0; d < vectorDims; d += LANES) {
                FloatVector k = (FloatVector) ByteVector.fromArray(BYTES, src, key + d)
                        .convertShape(VectorOperators.B2F, SPECIES, 0);
                FloatVector l = (FloatVector) ByteVector.fromArray(BYTES, src, key + stride + d)
                        .convertShape(VectorOperators.B2F, SPECIES, 0);
                FloatVector x0 = FloatVector.fromArray(SPECIES, queries, q0 + d);
                s0 = k.fma(x0, s0);
                u0 = l.fma(x0, u0);
            }
            scores[at] = keys.scale(c) * s0.reduceLanes(VectorOperators.ADD);
            scores[at + 1] = keys.scale(c + 1) * u0.reduceLanes(VectorOperators.ADD);
            if (ahead != null) {
                touched += ahead.touchShorts(c) + ahead.touchShorts(c + 1);
            }
        }
        if (c < keyCount) {
            FloatVector s0 = FloatVector.zero(SPECIES);
            for (int d = 0; d < vectorDims; d += LANES) {
                FloatVector k = (FloatVector) ByteVector.fromArray(BYTES, src, key + d)
                        .convertShape(VectorOperators.B2F, SPECIES, 0);
                s0 = k.fma(FloatVector.fromArray(SPECIES, queries, q0 + d), s0);
            }
            scores[at] = keys.scale(c) * s0.reduceLanes(VectorOperators.ADD);
            if (ahead != null) {
                touched += ahead.touchShorts(c);
            }
        }
        return touched;
    }

    /** {@link org.attention4j.kernel.TileOps#accumulateNarrowValueRows}: passes of keys, four rows at a time. */
    static void accumulateValueRows(float[] probs, int rows, int from, int to, float[] alpha, NarrowRows values,
                                    int headDim, float[] acc) {
        int vectorDims = values.type == ElementType.INT8 && BYTES == null ? 0 : headDim / LANES * LANES;
        for (int r = 0; r < rows; r++) {
            float scale = alpha[r];
            int d = r * headDim, end = d + headDim;
            for (int bound = d + vectorDims; d < bound; d += LANES) {
                FloatVector.fromArray(SPECIES, acc, d).mul(scale).intoArray(acc, d);
            }
            for (; d < end; d++) {
                acc[d] *= scale;
            }
        }
        for (int first = from; first < to; first += VALUE_ROWS_PER_PASS) {
            int last = Math.min(to, first + VALUE_ROWS_PER_PASS);
            int r = 0;
            for (; r + 4 <= rows; r += 4) {
                switch (values.type) {
                    case BFLOAT16 -> valuesFourRowsBfloat16(probs, r, first, last, values, headDim, vectorDims, acc);
                    case FLOAT16 -> valuesFourRowsFloat16(probs, r, first, last, values, headDim, vectorDims, acc);
                    case INT8 -> valuesFourRowsInt8(probs, r, first, last, values, headDim, vectorDims, acc);
                    case FLOAT32 -> throw new IllegalArgumentException("float32 values are read as float[]");
                }
            }
            for (; r < rows; r++) {
                switch (values.type) {
                    case BFLOAT16 -> valuesOneRowBfloat16(probs, r, first, last, values, headDim, vectorDims, acc);
                    case FLOAT16 -> valuesOneRowFloat16(probs, r, first, last, values, headDim, vectorDims, acc);
                    case INT8 -> valuesOneRowInt8(probs, r, first, last, values, headDim, vectorDims, acc);
                    case FLOAT32 -> throw new IllegalArgumentException("float32 values are read as float[]");
                }
            }
            for (int d = vectorDims; d < headDim; d++) { // tail dims, every row
                for (int c = first; c < last; c++) {
                    float value = values.scale(c) * values.get(c, d);
                    for (int i = 0; i < rows; i++) {
                        acc[i * headDim + d] += probs[i * KEY_BLOCK + c] * value;
                    }
                }
            }
        }
    }

    // ---- values: accumulators in registers over a pass of keys; two vectors of dims at a time in the
    // four-row loops (eight independent FMA chains), the probability times the int8 row's scale ----

    private static void valuesFourRowsBfloat16(float[] probs, int r, int first, int last, NarrowRows values, int headDim,
                                         int vectorDims, float[] acc) {
        short[] src = values.shorts;
        int a0 = r * headDim, a1 = a0 + headDim, a2 = a1 + headDim, a3 = a2 + headDim;
        int d = 0;
        for (; d + 2 * LANES <= vectorDims; d += 2 * LANES) {
            int e = d + LANES;
            FloatVector s0 = FloatVector.fromArray(SPECIES, acc, a0 + d), s1 = FloatVector.fromArray(SPECIES, acc, a1 + d);
            FloatVector s2 = FloatVector.fromArray(SPECIES, acc, a2 + d), s3 = FloatVector.fromArray(SPECIES, acc, a3 + d);
            FloatVector t0 = FloatVector.fromArray(SPECIES, acc, a0 + e), t1 = FloatVector.fromArray(SPECIES, acc, a1 + e);
            FloatVector t2 = FloatVector.fromArray(SPECIES, acc, a2 + e), t3 = FloatVector.fromArray(SPECIES, acc, a3 + e);
            for (int c = first, row = values.first + first * values.stride + d, p = r * KEY_BLOCK + first; c < last;
                 c++, row += values.stride, p++) {
                FloatVector v = ShortVector.fromArray(SHORTS, src, row).convertShape(VectorOperators.S2I, INTS, 0)
                        .reinterpretAsInts().lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
                FloatVector w = ShortVector.fromArray(SHORTS, src, row + LANES).convertShape(VectorOperators.S2I, INTS, 0)
                        .reinterpretAsInts().lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
                FloatVector p0 = FloatVector.broadcast(SPECIES, probs[p]);
                FloatVector p1 = FloatVector.broadcast(SPECIES, probs[p + KEY_BLOCK]);
                FloatVector p2 = FloatVector.broadcast(SPECIES, probs[p + 2 * KEY_BLOCK]);
                FloatVector p3 = FloatVector.broadcast(SPECIES, probs[p + 3 * KEY_BLOCK]);
                s0 = v.fma(p0, s0);
                s1 = v.fma(p1, s1);
                s2 = v.fma(p2, s2);
                s3 = v.fma(p3, s3);
                t0 = w.fma(p0, t0);
                t1 = w.fma(p1, t1);
                t2 = w.fma(p2, t2);
                t3 = w.fma(p3, t3);
            }
            s0.intoArray(acc, a0 + d);
            s1.intoArray(acc, a1 + d);
            s2.intoArray(acc, a2 + d);
            s3.intoArray(acc, a3 + d);
            t0.intoArray(acc, a0 + e);
            t1.intoArray(acc, a1 + e);
            t2.intoArray(acc, a2 + e);
            t3.intoArray(acc, a3 + e);
        }
        for (; d < vectorDims; d += LANES) {
            FloatVector s0 = FloatVector.fromArray(SPECIES, acc, a0 + d), s1 = FloatVector.fromArray(SPECIES, acc, a1 + d);
            FloatVector s2 = FloatVector.fromArray(SPECIES, acc, a2 + d), s3 = FloatVector.fromArray(SPECIES, acc, a3 + d);
            for (int c = first, row = values.first + first * values.stride + d, p = r * KEY_BLOCK + first; c < last;
                 c++, row += values.stride, p++) {
                FloatVector v = ShortVector.fromArray(SHORTS, src, row).convertShape(VectorOperators.S2I, INTS, 0)
                        .reinterpretAsInts().lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
                s0 = v.fma(FloatVector.broadcast(SPECIES, probs[p]), s0);
                s1 = v.fma(FloatVector.broadcast(SPECIES, probs[p + KEY_BLOCK]), s1);
                s2 = v.fma(FloatVector.broadcast(SPECIES, probs[p + 2 * KEY_BLOCK]), s2);
                s3 = v.fma(FloatVector.broadcast(SPECIES, probs[p + 3 * KEY_BLOCK]), s3);
            }
            s0.intoArray(acc, a0 + d);
            s1.intoArray(acc, a1 + d);
            s2.intoArray(acc, a2 + d);
            s3.intoArray(acc, a3 + d);
        }
    }

    private static void valuesOneRowBfloat16(float[] probs, int r, int first, int last, NarrowRows values, int headDim,
                                       int vectorDims, float[] acc) {
        short[] src = values.shorts;
        int a0 = r * headDim;
        for (int d = 0; d < vectorDims; d += LANES) {
            FloatVector s0 = FloatVector.fromArray(SPECIES, acc, a0 + d);
            for (int c = first, row = values.first + first * values.stride + d, p = r * KEY_BLOCK + first; c < last;
                 c++, row += values.stride, p++) {
                FloatVector v = ShortVector.fromArray(SHORTS, src, row).convertShape(VectorOperators.S2I, INTS, 0)
                        .reinterpretAsInts().lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
                s0 = v.fma(FloatVector.broadcast(SPECIES, probs[p]), s0);
            }
            s0.intoArray(acc, a0 + d);
        }
    }

    private static void valuesFourRowsFloat16(float[] probs, int r, int first, int last, NarrowRows values, int headDim,
                                         int vectorDims, float[] acc) {
        short[] src = values.shorts;
        int a0 = r * headDim, a1 = a0 + headDim, a2 = a1 + headDim, a3 = a2 + headDim;
        int d = 0;
        for (; d + 2 * LANES <= vectorDims; d += 2 * LANES) {
            int e = d + LANES;
            FloatVector s0 = FloatVector.fromArray(SPECIES, acc, a0 + d), s1 = FloatVector.fromArray(SPECIES, acc, a1 + d);
            FloatVector s2 = FloatVector.fromArray(SPECIES, acc, a2 + d), s3 = FloatVector.fromArray(SPECIES, acc, a3 + d);
            FloatVector t0 = FloatVector.fromArray(SPECIES, acc, a0 + e), t1 = FloatVector.fromArray(SPECIES, acc, a1 + e);
            FloatVector t2 = FloatVector.fromArray(SPECIES, acc, a2 + e), t3 = FloatVector.fromArray(SPECIES, acc, a3 + e);
            for (int c = first, row = values.first + first * values.stride + d, p = r * KEY_BLOCK + first; c < last;
                 c++, row += values.stride, p++) {
                IntVector vh = ShortVector.fromArray(SHORTS, src, row).convertShape(VectorOperators.S2I, INTS, 0)
                            .reinterpretAsInts();
                    IntVector vm = vh.and(0x7fff), vs = vm.lanewise(VectorOperators.LSHL, 13);
                    FloatVector v = vs.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                            .blend(vs.or(0x7f800000), vm.compare(VectorOperators.GE, 0x7c00))
                            .or(vh.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
                IntVector wh = ShortVector.fromArray(SHORTS, src, row + LANES).convertShape(VectorOperators.S2I, INTS, 0)
                            .reinterpretAsInts();
                    IntVector wm = wh.and(0x7fff), ws = wm.lanewise(VectorOperators.LSHL, 13);
                    FloatVector w = ws.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                            .blend(ws.or(0x7f800000), wm.compare(VectorOperators.GE, 0x7c00))
                            .or(wh.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
                FloatVector p0 = FloatVector.broadcast(SPECIES, probs[p]);
                FloatVector p1 = FloatVector.broadcast(SPECIES, probs[p + KEY_BLOCK]);
                FloatVector p2 = FloatVector.broadcast(SPECIES, probs[p + 2 * KEY_BLOCK]);
                FloatVector p3 = FloatVector.broadcast(SPECIES, probs[p + 3 * KEY_BLOCK]);
                s0 = v.fma(p0, s0);
                s1 = v.fma(p1, s1);
                s2 = v.fma(p2, s2);
                s3 = v.fma(p3, s3);
                t0 = w.fma(p0, t0);
                t1 = w.fma(p1, t1);
                t2 = w.fma(p2, t2);
                t3 = w.fma(p3, t3);
            }
            s0.intoArray(acc, a0 + d);
            s1.intoArray(acc, a1 + d);
            s2.intoArray(acc, a2 + d);
            s3.intoArray(acc, a3 + d);
            t0.intoArray(acc, a0 + e);
            t1.intoArray(acc, a1 + e);
            t2.intoArray(acc, a2 + e);
            t3.intoArray(acc, a3 + e);
        }
        for (; d < vectorDims; d += LANES) {
            FloatVector s0 = FloatVector.fromArray(SPECIES, acc, a0 + d), s1 = FloatVector.fromArray(SPECIES, acc, a1 + d);
            FloatVector s2 = FloatVector.fromArray(SPECIES, acc, a2 + d), s3 = FloatVector.fromArray(SPECIES, acc, a3 + d);
            for (int c = first, row = values.first + first * values.stride + d, p = r * KEY_BLOCK + first; c < last;
                 c++, row += values.stride, p++) {
                IntVector vh = ShortVector.fromArray(SHORTS, src, row).convertShape(VectorOperators.S2I, INTS, 0)
                            .reinterpretAsInts();
                    IntVector vm = vh.and(0x7fff), vs = vm.lanewise(VectorOperators.LSHL, 13);
                    FloatVector v = vs.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                            .blend(vs.or(0x7f800000), vm.compare(VectorOperators.GE, 0x7c00))
                            .or(vh.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
                s0 = v.fma(FloatVector.broadcast(SPECIES, probs[p]), s0);
                s1 = v.fma(FloatVector.broadcast(SPECIES, probs[p + KEY_BLOCK]), s1);
                s2 = v.fma(FloatVector.broadcast(SPECIES, probs[p + 2 * KEY_BLOCK]), s2);
                s3 = v.fma(FloatVector.broadcast(SPECIES, probs[p + 3 * KEY_BLOCK]), s3);
            }
            s0.intoArray(acc, a0 + d);
            s1.intoArray(acc, a1 + d);
            s2.intoArray(acc, a2 + d);
            s3.intoArray(acc, a3 + d);
        }
    }

    private static void valuesOneRowFloat16(float[] probs, int r, int first, int last, NarrowRows values, int headDim,
                                       int vectorDims, float[] acc) {
        short[] src = values.shorts;
        int a0 = r * headDim;
        for (int d = 0; d < vectorDims; d += LANES) {
            FloatVector s0 = FloatVector.fromArray(SPECIES, acc, a0 + d);
            for (int c = first, row = values.first + first * values.stride + d, p = r * KEY_BLOCK + first; c < last;
                 c++, row += values.stride, p++) {
                IntVector vh = ShortVector.fromArray(SHORTS, src, row).convertShape(VectorOperators.S2I, INTS, 0)
                            .reinterpretAsInts();
                    IntVector vm = vh.and(0x7fff), vs = vm.lanewise(VectorOperators.LSHL, 13);
                    FloatVector v = vs.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                            .blend(vs.or(0x7f800000), vm.compare(VectorOperators.GE, 0x7c00))
                            .or(vh.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
                s0 = v.fma(FloatVector.broadcast(SPECIES, probs[p]), s0);
            }
            s0.intoArray(acc, a0 + d);
        }
    }

    private static void valuesFourRowsInt8(float[] probs, int r, int first, int last, NarrowRows values, int headDim,
                                         int vectorDims, float[] acc) {
        byte[] src = values.bytes;
        int a0 = r * headDim, a1 = a0 + headDim, a2 = a1 + headDim, a3 = a2 + headDim;
        int d = 0;
        for (; d + 2 * LANES <= vectorDims; d += 2 * LANES) {
            int e = d + LANES;
            FloatVector s0 = FloatVector.fromArray(SPECIES, acc, a0 + d), s1 = FloatVector.fromArray(SPECIES, acc, a1 + d);
            FloatVector s2 = FloatVector.fromArray(SPECIES, acc, a2 + d), s3 = FloatVector.fromArray(SPECIES, acc, a3 + d);
            FloatVector t0 = FloatVector.fromArray(SPECIES, acc, a0 + e), t1 = FloatVector.fromArray(SPECIES, acc, a1 + e);
            FloatVector t2 = FloatVector.fromArray(SPECIES, acc, a2 + e), t3 = FloatVector.fromArray(SPECIES, acc, a3 + e);
            for (int c = first, row = values.first + first * values.stride + d, p = r * KEY_BLOCK + first; c < last;
                 c++, row += values.stride, p++) {
                FloatVector v = (FloatVector) ByteVector.fromArray(BYTES, src, row).convertShape(VectorOperators.B2F, SPECIES, 0);
                FloatVector w = (FloatVector) ByteVector.fromArray(BYTES, src, row + LANES).convertShape(VectorOperators.B2F, SPECIES, 0);
                FloatVector p0 = FloatVector.broadcast(SPECIES, probs[p] * values.scale(c));
                FloatVector p1 = FloatVector.broadcast(SPECIES, probs[p + KEY_BLOCK] * values.scale(c));
                FloatVector p2 = FloatVector.broadcast(SPECIES, probs[p + 2 * KEY_BLOCK] * values.scale(c));
                FloatVector p3 = FloatVector.broadcast(SPECIES, probs[p + 3 * KEY_BLOCK] * values.scale(c));
                s0 = v.fma(p0, s0);
                s1 = v.fma(p1, s1);
                s2 = v.fma(p2, s2);
                s3 = v.fma(p3, s3);
                t0 = w.fma(p0, t0);
                t1 = w.fma(p1, t1);
                t2 = w.fma(p2, t2);
                t3 = w.fma(p3, t3);
            }
            s0.intoArray(acc, a0 + d);
            s1.intoArray(acc, a1 + d);
            s2.intoArray(acc, a2 + d);
            s3.intoArray(acc, a3 + d);
            t0.intoArray(acc, a0 + e);
            t1.intoArray(acc, a1 + e);
            t2.intoArray(acc, a2 + e);
            t3.intoArray(acc, a3 + e);
        }
        for (; d < vectorDims; d += LANES) {
            FloatVector s0 = FloatVector.fromArray(SPECIES, acc, a0 + d), s1 = FloatVector.fromArray(SPECIES, acc, a1 + d);
            FloatVector s2 = FloatVector.fromArray(SPECIES, acc, a2 + d), s3 = FloatVector.fromArray(SPECIES, acc, a3 + d);
            for (int c = first, row = values.first + first * values.stride + d, p = r * KEY_BLOCK + first; c < last;
                 c++, row += values.stride, p++) {
                FloatVector v = (FloatVector) ByteVector.fromArray(BYTES, src, row).convertShape(VectorOperators.B2F, SPECIES, 0);
                s0 = v.fma(FloatVector.broadcast(SPECIES, probs[p] * values.scale(c)), s0);
                s1 = v.fma(FloatVector.broadcast(SPECIES, probs[p + KEY_BLOCK] * values.scale(c)), s1);
                s2 = v.fma(FloatVector.broadcast(SPECIES, probs[p + 2 * KEY_BLOCK] * values.scale(c)), s2);
                s3 = v.fma(FloatVector.broadcast(SPECIES, probs[p + 3 * KEY_BLOCK] * values.scale(c)), s3);
            }
            s0.intoArray(acc, a0 + d);
            s1.intoArray(acc, a1 + d);
            s2.intoArray(acc, a2 + d);
            s3.intoArray(acc, a3 + d);
        }
    }

    private static void valuesOneRowInt8(float[] probs, int r, int first, int last, NarrowRows values, int headDim,
                                       int vectorDims, float[] acc) {
        byte[] src = values.bytes;
        int a0 = r * headDim;
        for (int d = 0; d < vectorDims; d += LANES) {
            FloatVector s0 = FloatVector.fromArray(SPECIES, acc, a0 + d);
            for (int c = first, row = values.first + first * values.stride + d, p = r * KEY_BLOCK + first; c < last;
                 c++, row += values.stride, p++) {
                FloatVector v = (FloatVector) ByteVector.fromArray(BYTES, src, row).convertShape(VectorOperators.B2F, SPECIES, 0);
                s0 = v.fma(FloatVector.broadcast(SPECIES, probs[p] * values.scale(c)), s0);
            }
            s0.intoArray(acc, a0 + d);
        }
    }
}
