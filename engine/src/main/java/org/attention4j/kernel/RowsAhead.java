package org.attention4j.kernel;

/**
 * Rows a decode kernel touches while it computes on others: one float of each 64-byte line of row
 * {@code c}, read after the kernel's key {@code c}, so the rows' cache misses overlap arithmetic instead
 * of stalling the loop that reads them next (Java has no prefetch instruction; a separate pass over them
 * first, or in bursts, made decode slower). The row-by-row path scores keys read in place touching the
 * same block's value rows (docs/KV_CACHE.md, "Decode speed"). One per workspace, re-aimed per block: no
 * allocation. Only rows of Java arrays ({@code float[]}, or the {@code short[]} of 16-bit
 * {@link NarrowRows}): through a {@code MemorySegment} the access site saw a segment class per element
 * type, and a JVM that had decoded bfloat16 caches ran float32 decode 50 % slower.
 */
public final class RowsAhead {
    private float[] rows;
    private short[] shorts;
    private int first, stride, length;

    /** Aims at rows of {@code dim} floats, {@code stride} apart from {@code rows[first]}. */
    RowsAhead aim(float[] rows, int first, int stride, int dim) {
        return aim(rows, null, first, stride, dim);
    }

    /**
     * Aims at the 16-bit rows of {@code dim} elements of {@code narrow} (bfloat16, float16). Int8 rows are
     * not touched: their 128-byte rows are half a bfloat16 row, and int8 decode is bound by arithmetic.
     */
    RowsAhead aim(NarrowRows narrow, int dim) {
        return aim(null, narrow.shorts, narrow.first, narrow.stride, dim);
    }

    private RowsAhead aim(float[] rows, short[] shorts, int first, int stride, int dim) {
        this.rows = rows;
        this.shorts = shorts;
        this.first = first;
        this.stride = stride;
        this.length = dim;
        return this;
    }

    /*
     * The touches are a few bytecodes each, well under C2's MaxInlineSize (35), so every kernel inlines
     * them whatever its profile says: a touch with a branch per array type (138 bytes), and even one of
     * exactly 35 bytes, was called out of line per key in some compiles, and decode ran 2× slower there
     * (issue 19's kind of lottery). The kernels touch only the rows they score (c < count).
     */

    /** {@return the sum of one float of each 64-byte line of float row {@code c}} */
    public float touchFloats(int c) {
        return lines(rows, first + c * stride, length);
    }

    /** {@return the sum of one element of each 64-byte line of 16-bit row {@code c}} */
    public float touchShorts(int c) {
        return lines(shorts, first + c * stride, length);
    }

    private static float lines(float[] a, int at, int n) {
        float sum = 0f;
        for (int i = 0; i < n; i += 16) {
            sum += a[at + i];
        }
        return sum;
    }

    private static float lines(short[] a, int at, int n) {
        float sum = 0f;
        for (int i = 0; i < n; i += 32) {
            sum += a[at + i];
        }
        return sum;
    }
}
