package org.attention4j.kernel.panama;

import static org.attention4j.kernel.panama.PanamaConstants.BYTES;
import static org.attention4j.kernel.panama.PanamaConstants.INTS;
import static org.attention4j.kernel.panama.PanamaConstants.LANES;
import static org.attention4j.kernel.panama.PanamaConstants.SHORTS;
import static org.attention4j.kernel.panama.PanamaConstants.SPECIES;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.attention4j.ElementType;
import org.attention4j.kernel.Widening;

/**
 * Widening of bfloat16, float16 and int8 rows to float32 on whole vectors: {@code LANES} elements loaded
 * as one narrow vector (16 or 8 bits a lane) and converted lane for lane, so no element is converted by
 * a scalar call in the hot loop. Tails and widths without a narrow species (int8 at 128 bits: 4 bytes
 * are no vector shape) take {@link Widening}'s scalar loop, bit for bit the same values.
 */
final class PanamaWidening {
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    /** Rows widened together: their loads are in flight at once (decode reads them from memory). */
    private static final int ROWS_AT_ONCE = 8;

    private PanamaWidening() {}

    /**
     * {@link org.attention4j.kernel.TileOps#widenRows}: eight rows at a time, one vector of each in turn;
     * rows in a {@code short[]} or {@code byte[]} are read from the array (cheaper bounds checks than a
     * segment's).
     */
    static void widenRows(ElementType type, MemorySegment src, Object base, long firstByte, long strideBytes, int count,
                          int n, float[] scales, int scalesAt, float[] dst, int at) {
        int size = type.byteSize();
        int c = 0;
        if (base instanceof short[] shorts && type != ElementType.INT8 && (src.address() + firstByte) % size == 0
                && strideBytes % size == 0) {
            int first = (int) ((src.address() + firstByte) / size), stride = (int) (strideBytes / size);
            for (; c + ROWS_AT_ONCE <= count; c += ROWS_AT_ONCE) {
                widenShortRows(type == ElementType.BFLOAT16, shorts, first + c * stride, stride, n, dst, at + c * n);
            }
        } else if (base instanceof byte[] bytes && type == ElementType.INT8 && BYTES != null) {
            int first = (int) (src.address() + firstByte), stride = (int) strideBytes;
            for (; c + ROWS_AT_ONCE <= count; c += ROWS_AT_ONCE) {
                widenByteRows(bytes, first + c * stride, stride, n, scales, scalesAt + c, dst, at + c * n);
            }
        }
        for (; c < count; c++) {
            widenRow(type, src, firstByte + c * strideBytes, type == ElementType.INT8 ? scales[scalesAt + c] : 1f,
                    dst, at + c * n, n);
        }
    }

    private static void widenShortRows(boolean bfloat16, short[] src, int first, int stride, int n, float[] dst,
                                       int at) {
        int bound = n / LANES * LANES;
        for (int d = 0; d < bound; d += LANES) {
            for (int i = 0, from = first + d, to = at + d; i < ROWS_AT_ONCE; i++, from += stride, to += n) {
                IntVector h = ShortVector.fromArray(SHORTS, src, from).convertShape(VectorOperators.S2I, INTS, 0)
                        .reinterpretAsInts();
                if (bfloat16) {
                    h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(dst, to);
                } else { // as in widenRow (no vector crosses a call, so the five lines are written twice)
                    IntVector magnitude = h.and(0x7fff);
                    IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
                    IntVector finite = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
                    VectorMask<Integer> special = magnitude.compare(VectorOperators.GE, 0x7c00);
                    finite.blend(shifted.or(0x7f800000), special).or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16))
                            .reinterpretAsFloats().intoArray(dst, to);
                }
            }
        }
        for (int i = 0; i < ROWS_AT_ONCE; i++) { // tail dims
            for (int d = bound; d < n; d++) {
                short bits = src[first + i * stride + d];
                dst[at + i * n + d] = bfloat16 ? Widening.bfloat16ToFloat(bits) : Float.float16ToFloat(bits);
            }
        }
    }

    private static void widenByteRows(byte[] src, int first, int stride, int n, float[] scales, int scalesAt,
                                      float[] dst, int at) {
        int bound = n / LANES * LANES;
        for (int d = 0; d < bound; d += LANES) {
            for (int i = 0, from = first + d, to = at + d; i < ROWS_AT_ONCE; i++, from += stride, to += n) {
                ((FloatVector) ByteVector.fromArray(BYTES, src, from).convertShape(VectorOperators.B2F, SPECIES, 0))
                        .mul(scales[scalesAt + i]).intoArray(dst, to);
            }
        }
        for (int i = 0; i < ROWS_AT_ONCE; i++) { // tail dims
            for (int d = bound; d < n; d++) {
                dst[at + i * n + d] = src[first + i * stride + d] * scales[scalesAt + i];
            }
        }
    }


    static void widenRow(ElementType type, MemorySegment src, long byteOffset, float scale, float[] dst, int at,
                         int n) {
        int d = 0;
        int bound = n / LANES * LANES;
        switch (type) {
            case BFLOAT16 -> {
                for (; d < bound; d += LANES) {
                    // bfloat16 is float32's upper half: widen (the sign extension is shifted out) and shift.
                    ShortVector.fromMemorySegment(SHORTS, src, byteOffset + 2L * d, ORDER)
                            .convertShape(VectorOperators.S2I, INTS, 0).reinterpretAsInts()
                            .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(dst, at + d);
                }
            }
            case FLOAT16 -> {
                for (; d < bound; d += LANES) {
                    IntVector h = ShortVector.fromMemorySegment(SHORTS, src, byteOffset + 2L * d, ORDER)
                            .convertShape(VectorOperators.S2I, INTS, 0).reinterpretAsInts();
                    // Exponent and significand moved to float32's places, then × 2^112 re-biases the
                    // exponent (15 → 127) and normalizes subnormals; infinities and NaNs (exponent 31)
                    // get float32's all-ones exponent instead; the sign goes back last.
                    IntVector magnitude = h.and(0x7fff);
                    IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
                    IntVector finite = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
                    VectorMask<Integer> special = magnitude.compare(VectorOperators.GE, 0x7c00);
                    finite.blend(shifted.or(0x7f800000), special)
                            .or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16))
                            .reinterpretAsFloats().intoArray(dst, at + d);
                }
            }
            case INT8 -> {
                if (BYTES != null) {
                    for (; d < bound; d += LANES) {
                        ((FloatVector) ByteVector.fromMemorySegment(BYTES, src, byteOffset + d, ORDER)
                                .convertShape(VectorOperators.B2F, SPECIES, 0)).mul(scale).intoArray(dst, at + d);
                    }
                }
            }
            case FLOAT32 -> {
                for (; d < bound; d += LANES) {
                    FloatVector.fromMemorySegment(SPECIES, src, byteOffset + 4L * d, ORDER).intoArray(dst, at + d);
                }
            }
        }
        if (d < n) { // scalar tail
            Widening.widenRow(type, src, byteOffset + (long) d * type.byteSize(), scale, dst, at + d, n - d);
        }
    }
}
