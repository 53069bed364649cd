package org.attention4j;

/**
 * How a {@link Tensor} stores its elements. Arithmetic is float32 with float32 accumulation whatever the
 * storage: keys and values of the smaller types are widened when a tile is packed (prefill) and on the
 * fly in the row-by-row decode path. Queries, outputs and log-sum-exp outputs are float32; keys and
 * values may be any type (each its own).
 *
 * <p>{@link #INT8} is symmetric per row: element {@code (b, s, h, d)} is {@code data · scale(b, s, h)}, one
 * float32 scale per position and head, {@code scale = max|x| / 127} over the row's {@code headDim}
 * elements (so a row's largest element is exact and every other is within {@code scale / 2}).
 *
 * @since 0.1
 */
public enum ElementType {
    /** IEEE 754 binary32: the engine's arithmetic type. */
    FLOAT32(4),
    /** bfloat16: float32's exponent with 8 significant bits (the upper half of a float32). */
    BFLOAT16(2),
    /** IEEE 754 binary16: 11 significant bits, largest finite value 65504. */
    FLOAT16(2),
    /** Signed bytes with a float32 scale per (position, head): see the class comment. */
    INT8(1);

    private final int byteSize;

    ElementType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** {@return bytes per element} (scales of {@link #INT8} not counted) */
    public int byteSize() {
        return byteSize;
    }
}
