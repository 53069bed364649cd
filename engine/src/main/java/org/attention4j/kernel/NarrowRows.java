package org.attention4j.kernel;

import org.attention4j.ElementType;
import org.attention4j.Tensor;

/**
 * Rows of a bfloat16, float16 or int8 K/V tensor where they lie in its Java array, for the decode kernels
 * that widen them in registers as they compute ({@link TileOps#scoreNarrowRows},
 * {@link TileOps#accumulateNarrowValueRows}): row {@code c} starts at element {@code first + c·stride} of
 * {@link #shorts} (16-bit types) or {@link #bytes} (int8, whose row {@code c} is scaled by
 * {@code scales[scaleFirst + c·scaleStride]}). One per workspace and tensor, re-aimed per key block: no
 * allocation. Only heap arrays: a segment access in these loops would see a segment class per type
 * (docs/PERFORMANCE.md, "Mechanism 3"); other storage is widened into a float32 block first.
 */
public final class NarrowRows {
    /** The storage type: {@code BFLOAT16}, {@code FLOAT16} or {@code INT8}. */
    public ElementType type;
    /** The 16-bit rows, or null. */
    public short[] shorts;
    /** The int8 rows, or null. */
    public byte[] bytes;
    /** Element index of row 0, elements between rows. */
    public int first, stride;
    /** The int8 rows' scales, or null. */
    public float[] scales;
    /** Index of row 0's scale, scales between rows. */
    public int scaleFirst, scaleStride;

    /**
     * {@return whether the kernels can read {@code t}'s rows in place}: a bfloat16/float16 view over a
     * {@code short[]}, or an int8 view over a {@code byte[]} with its scales in a {@code float[]}, strides
     * that fit an int.
     */
    static boolean readable(Tensor t) {
        boolean array = switch (t.type()) {
            case BFLOAT16, FLOAT16 -> t.heapBase() instanceof short[] && t.segment().address() % Short.BYTES == 0;
            case INT8 -> t.heapBase() instanceof byte[] && t.scales().array() != null
                    && t.scales().seqStride() <= Integer.MAX_VALUE / 16;
            case FLOAT32 -> false;
        };
        return array && t.seqStride() > 0 && t.seqStride() <= Integer.MAX_VALUE / 16;
    }

    /** Aims at the rows of {@code t} from position {@code first} of batch item {@code b}, head {@code head}. */
    NarrowRows aim(Tensor t, int b, int first, int head) {
        type = t.type();
        shorts = t.heapBase() instanceof short[] s ? s : null;
        bytes = t.heapBase() instanceof byte[] s ? s : null;
        this.first = (int) (t.segment().address() / type.byteSize() + t.index(b, first, head));
        stride = (int) t.seqStride();
        Tensor s = t.scales();
        scales = s == null ? null : s.array();
        scaleFirst = s == null ? 0 : s.arrayIndex(b, first, head);
        scaleStride = s == null ? 0 : (int) s.seqStride();
        return this;
    }

    /**
     * {@return element {@code d} of row {@code c} as float32, int8 without its row's {@link #scale}} (the
     * scalar kernel's read; the tails of the vector one, which apply the scale once per row)
     */
    public float get(int c, int d) {
        int at = first + c * stride + d;
        return switch (type) {
            case BFLOAT16 -> Widening.bfloat16ToFloat(shorts[at]);
            case FLOAT16 -> Float.float16ToFloat(shorts[at]);
            case INT8 -> bytes[at];
            case FLOAT32 -> throw new IllegalStateException("float32 rows are read as float[]");
        };
    }

    /** {@return row {@code c}'s int8 scale} (1 for the 16-bit types) */
    public float scale(int c) {
        return scales == null ? 1f : scales[scaleFirst + c * scaleStride];
    }
}
