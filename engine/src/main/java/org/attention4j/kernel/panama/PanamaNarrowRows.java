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
 * {@link NarrowRows#get} element by element.
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
        return touched;
    }

    // ---- scores: four rows share each widened key vector; one lane reduction per score ----

    private static float fourRowsBfloat16(float[] queries, int r, int headDim, NarrowRows keys, int keyCount,
            float[] scores, RowsAhead ahead) {
        short[] src = keys.shorts;
        float touched = 0f;
        int vectorDims = headDim / LANES * LANES;
        int q0 = r * headDim, q1 = q0 + headDim, q2 = q1 + headDim, q3 = q2 + headDim;
        for (int c = 0, key = keys.first, at = r * KEY_BLOCK; c < keyCount; c++, key += keys.stride, at++) {
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
            scores[at] = scale * withTail(s0.reduceLanes(VectorOperators.ADD), queries, q0, headDim, vectorDims, keys, c);
            scores[at + KEY_BLOCK] = scale * withTail(s1.reduceLanes(VectorOperators.ADD), queries, q1, headDim, vectorDims, keys, c);
            scores[at + 2 * KEY_BLOCK] = scale * withTail(s2.reduceLanes(VectorOperators.ADD), queries, q2, headDim, vectorDims, keys, c);
            scores[at + 3 * KEY_BLOCK] = scale * withTail(s3.reduceLanes(VectorOperators.ADD), queries, q3, headDim, vectorDims, keys, c);
            if (ahead != null) {
                touched += ahead.touchNarrow(c);
            }
        }
        return touched;
    }

    private static float oneRowBfloat16(float[] queries, int r, int headDim, NarrowRows keys, int keyCount,
            float[] scores, RowsAhead ahead) {
        short[] src = keys.shorts;
        float touched = 0f;
        int vectorDims = headDim / LANES * LANES;
        int q0 = r * headDim;
        for (int c = 0, key = keys.first, at = r * KEY_BLOCK; c < keyCount; c++, key += keys.stride, at++) {
            FloatVector s0 = FloatVector.zero(SPECIES);
            for (int d = 0; d < vectorDims; d += LANES) {
                FloatVector k = ShortVector.fromArray(SHORTS, src, key + d).convertShape(VectorOperators.S2I, INTS, 0)
                        .reinterpretAsInts().lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
                s0 = k.fma(FloatVector.fromArray(SPECIES, queries, q0 + d), s0);
            }
            scores[at] = keys.scale(c) * withTail(s0.reduceLanes(VectorOperators.ADD), queries, q0, headDim, vectorDims,
                    keys, c);
            if (ahead != null) {
                touched += ahead.touchNarrow(c);
            }
        }
        return touched;
    }

    private static float fourRowsFloat16(float[] queries, int r, int headDim, NarrowRows keys, int keyCount,
            float[] scores, RowsAhead ahead) {
        short[] src = keys.shorts;
        float touched = 0f;
        int vectorDims = headDim / LANES * LANES;
        int q0 = r * headDim, q1 = q0 + headDim, q2 = q1 + headDim, q3 = q2 + headDim;
        for (int c = 0, key = keys.first, at = r * KEY_BLOCK; c < keyCount; c++, key += keys.stride, at++) {
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
            scores[at] = scale * withTail(s0.reduceLanes(VectorOperators.ADD), queries, q0, headDim, vectorDims, keys, c);
            scores[at + KEY_BLOCK] = scale * withTail(s1.reduceLanes(VectorOperators.ADD), queries, q1, headDim, vectorDims, keys, c);
            scores[at + 2 * KEY_BLOCK] = scale * withTail(s2.reduceLanes(VectorOperators.ADD), queries, q2, headDim, vectorDims, keys, c);
            scores[at + 3 * KEY_BLOCK] = scale * withTail(s3.reduceLanes(VectorOperators.ADD), queries, q3, headDim, vectorDims, keys, c);
            if (ahead != null) {
                touched += ahead.touchNarrow(c);
            }
        }
        return touched;
    }

    private static float oneRowFloat16(float[] queries, int r, int headDim, NarrowRows keys, int keyCount,
            float[] scores, RowsAhead ahead) {
        short[] src = keys.shorts;
        float touched = 0f;
        int vectorDims = headDim / LANES * LANES;
        int q0 = r * headDim;
        for (int c = 0, key = keys.first, at = r * KEY_BLOCK; c < keyCount; c++, key += keys.stride, at++) {
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
            scores[at] = keys.scale(c) * withTail(s0.reduceLanes(VectorOperators.ADD), queries, q0, headDim, vectorDims,
                    keys, c);
            if (ahead != null) {
                touched += ahead.touchNarrow(c);
            }
        }
        return touched;
    }

    private static float fourRowsInt8(float[] queries, int r, int headDim, NarrowRows keys, int keyCount,
            float[] scores, RowsAhead ahead) {
        byte[] src = keys.bytes;
        float touched = 0f;
        int vectorDims = BYTES == null ? 0 : headDim / LANES * LANES;
        int q0 = r * headDim, q1 = q0 + headDim, q2 = q1 + headDim, q3 = q2 + headDim;
        for (int c = 0, key = keys.first, at = r * KEY_BLOCK; c < keyCount; c++, key += keys.stride, at++) {
            FloatVector s0 = FloatVector.zero(SPECIES), s1 = s0, s2 = s0, s3 = s0;
            for (int d = 0; d < vectorDims; d += LANES) {
                FloatVector k = (FloatVector) ByteVector.fromArray(BYTES, src, key + d).convertShape(VectorOperators.B2F, SPECIES, 0);
                s0 = k.fma(FloatVector.fromArray(SPECIES, queries, q0 + d), s0);
                s1 = k.fma(FloatVector.fromArray(SPECIES, queries, q1 + d), s1);
                s2 = k.fma(FloatVector.fromArray(SPECIES, queries, q2 + d), s2);
                s3 = k.fma(FloatVector.fromArray(SPECIES, queries, q3 + d), s3);
            }
            float scale = keys.scale(c);
            scores[at] = scale * withTail(s0.reduceLanes(VectorOperators.ADD), queries, q0, headDim, vectorDims, keys, c);
            scores[at + KEY_BLOCK] = scale * withTail(s1.reduceLanes(VectorOperators.ADD), queries, q1, headDim, vectorDims, keys, c);
            scores[at + 2 * KEY_BLOCK] = scale * withTail(s2.reduceLanes(VectorOperators.ADD), queries, q2, headDim, vectorDims, keys, c);
            scores[at + 3 * KEY_BLOCK] = scale * withTail(s3.reduceLanes(VectorOperators.ADD), queries, q3, headDim, vectorDims, keys, c);
            if (ahead != null) {
                touched += ahead.touchNarrow(c);
            }
        }
        return touched;
    }

    private static float oneRowInt8(float[] queries, int r, int headDim, NarrowRows keys, int keyCount,
            float[] scores, RowsAhead ahead) {
        byte[] src = keys.bytes;
        float touched = 0f;
        int vectorDims = BYTES == null ? 0 : headDim / LANES * LANES;
        int q0 = r * headDim;
        for (int c = 0, key = keys.first, at = r * KEY_BLOCK; c < keyCount; c++, key += keys.stride, at++) {
            FloatVector s0 = FloatVector.zero(SPECIES);
            for (int d = 0; d < vectorDims; d += LANES) {
                FloatVector k = (FloatVector) ByteVector.fromArray(BYTES, src, key + d).convertShape(VectorOperators.B2F, SPECIES, 0);
                s0 = k.fma(FloatVector.fromArray(SPECIES, queries, q0 + d), s0);
            }
            scores[at] = keys.scale(c) * withTail(s0.reduceLanes(VectorOperators.ADD), queries, q0, headDim, vectorDims,
                    keys, c);
            if (ahead != null) {
                touched += ahead.touchNarrow(c);
            }
        }
        return touched;
    }

    /** {@code sum} plus the dims past the vectors of query row {@code q} against key {@code c} (unscaled). */
    private static float withTail(float sum, float[] queries, int q, int headDim, int vectorDims, NarrowRows keys,
                                  int c) {
        for (int d = vectorDims; d < headDim; d++) {
            sum += queries[q + d] * keys.get(c, d);
        }
        return sum;
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
