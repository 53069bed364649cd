package org.attention4j.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.attention4j.ElementType;
import org.attention4j.Tensor;

/**
 * Conversions between float32 and the storage types of {@link ElementType}, element by element: the
 * scalar kernel's widening, the tails of the vector one, and the narrowing of float32 rows written into a
 * {@code KvCache}. Rounding to the 16-bit types is to nearest, ties to even (as PyTorch's {@code .to()}).
 */
public final class Widening {
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** The largest finite float16. */
    public static final float FLOAT16_MAX = 65504f;

    private Widening() {}

    /**
     * {@code dst[at + d] = element d} of the row of {@code n} elements at {@code byteOffset} of {@code src},
     * as float32 ({@code int8 · scale}; {@code scale} is ignored by the other types).
     */
    public static void widenRow(ElementType type, MemorySegment src, long byteOffset, float scale, float[] dst,
                                int at, int n) {
        switch (type) {
            case FLOAT32 -> MemorySegment.copy(src, FLOAT, byteOffset, dst, at, n);
            case BFLOAT16 -> {
                for (int d = 0; d < n; d++) {
                    dst[at + d] = bfloat16ToFloat(src.get(SHORT, byteOffset + 2L * d));
                }
            }
            case FLOAT16 -> {
                for (int d = 0; d < n; d++) {
                    dst[at + d] = Float.float16ToFloat(src.get(SHORT, byteOffset + 2L * d));
                }
            }
            case INT8 -> {
                for (int d = 0; d < n; d++) {
                    dst[at + d] = src.get(ValueLayout.JAVA_BYTE, byteOffset + d) * scale;
                }
            }
        }
    }

    /** {@return the scale of row {@code (b, s, h)} of an int8 view, 1 for the other types} */
    public static float rowScale(Tensor t, int b, long s, int h) {
        Tensor scales = t.scales();
        return scales == null ? 1f : scales.get(b, s, h, 0);
    }

    /** {@return the float32 value of a bfloat16 bit pattern} (exact: its upper half) */
    public static float bfloat16ToFloat(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }

    /** {@return the nearest bfloat16 (ties to even) of {@code x}}; NaN stays a (quiet) NaN */
    public static short floatToBfloat16(float x) {
        int bits = Float.floatToRawIntBits(x);
        if (Float.isNaN(x)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }

    /**
     * Narrows {@code src[at .. at + n)} into the row at {@code byteOffset} of {@code dst} in {@code type};
     * returns the int8 row's scale ({@code max|x| / 127}, 0 for an all-zero row), 1 for the other types.
     *
     * @param name the tensor's name for the error
     * @throws IllegalArgumentException when a value is not finite for int8 or beyond ±65504 for float16
     *         (an infinity would poison every score it touches); nothing of the row is written then
     */
    public static float narrowRow(String name, float[] src, int at, int n, ElementType type, MemorySegment dst,
                                  long byteOffset) {
        switch (type) {
            case FLOAT32 -> MemorySegment.copy(src, at, dst, FLOAT, byteOffset, n);
            case BFLOAT16 -> {
                for (int d = 0; d < n; d++) {
                    dst.set(SHORT, byteOffset + 2L * d, floatToBfloat16(src[at + d]));
                }
            }
            case FLOAT16 -> {
                for (int d = 0; d < n; d++) {
                    float x = src[at + d];
                    if (Math.abs(x) > FLOAT16_MAX) {
                        throw new IllegalArgumentException(name + ": element " + d + " of a row is " + x
                                + ": beyond float16's range ±65504 (it would become an infinity); scale the "
                                + "inputs or store BFLOAT16, which has float32's range");
                    }
                }
                for (int d = 0; d < n; d++) {
                    dst.set(SHORT, byteOffset + 2L * d, Float.floatToFloat16(src[at + d]));
                }
            }
            case INT8 -> {
                float max = 0f;
                for (int d = 0; d < n; d++) {
                    float x = src[at + d];
                    if (!Float.isFinite(x)) {
                        throw new IllegalArgumentException(name + ": element " + d + " of a row is " + x
                                + ": int8 quantization needs finite values");
                    }
                    max = Math.max(max, Math.abs(x));
                }
                float scale = max / 127f;
                float inverse = max > 0f ? 127f / max : 0f;
                for (int d = 0; d < n; d++) {
                    dst.set(ValueLayout.JAVA_BYTE, byteOffset + d, (byte) Math.round(src[at + d] * inverse));
                }
                return scale;
            }
        }
        return 1f;
    }

    /**
     * A copy of the float32 tensor {@code src} of shape {@code [batch, seq, heads, dim]} stored as
     * {@code type}, contiguous BSHD or BHSD (int8 with its scales, one per row, in the same order): the
     * conversion the CLI and the tests do once, outside any timing. Java arrays, so at most 2^31 elements.
     *
     * @param name the tensor's name for errors (a float16 overflow names it)
     */
    public static Tensor convert(String name, Tensor src, int batch, int seq, int heads, int dim, ElementType type,
                                 boolean bhsd) {
        int elements = Tensor.elements(batch, seq, heads, dim);
        MemorySegment data = switch (type) {
            case FLOAT32 -> MemorySegment.ofArray(new float[elements]);
            case BFLOAT16, FLOAT16 -> MemorySegment.ofArray(new short[elements]);
            case INT8 -> MemorySegment.ofArray(new byte[elements]);
        };
        long seqStride = bhsd ? dim : (long) heads * dim, headStride = bhsd ? (long) seq * dim : dim;
        long batchStride = (long) seq * heads * dim;
        Tensor scales = null;
        if (type == ElementType.INT8) {
            float[] scaleData = new float[Tensor.elements(batch, seq, heads, 1)];
            scales = Tensor.of(scaleData, 0, (long) seq * heads, bhsd ? 1 : heads, bhsd ? seq : 1);
        }
        Tensor out = type == ElementType.INT8 ? Tensor.int8(data, 0, batchStride, seqStride, headStride, scales)
                : Tensor.of(type, data, 0, batchStride, seqStride, headStride);
        float[] row = new float[dim];
        for (int b = 0; b < batch; b++) {
            for (int s = 0; s < seq; s++) {
                for (int h = 0; h < heads; h++) {
                    Rows.read(src, b, s, h, row, 0, dim);
                    float scale = narrowRow(name, row, 0, dim, type, data, out.byteOffset(b, s, h));
                    if (scales != null) {
                        scales.segment().setAtIndex(FLOAT, scales.index(b, s, h), scale);
                    }
                }
            }
        }
        return out;
    }
}
