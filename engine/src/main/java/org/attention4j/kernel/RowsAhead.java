package org.attention4j.kernel;

/**
 * Rows a decode kernel touches while it computes on others: one float of each 64-byte line of row
 * {@code c}, read after the kernel's key {@code c}, so the rows' cache misses overlap arithmetic instead
 * of stalling the loop that reads them next (Java has no prefetch instruction; a separate pass over them
 * first, or in bursts, made decode slower). The row-by-row path scores keys read in place touching the
 * same block's value rows (docs/KV_CACHE.md, "Decode speed"). One per workspace, re-aimed per block: no
 * allocation. Only rows of Java arrays ({@code float[]}, or the {@code short[]}/{@code byte[]} of
 * {@link NarrowRows}): through a {@code MemorySegment} the access site saw a segment class per element
 * type, and a JVM that had decoded bfloat16 caches ran float32 decode 50 % slower.
 */
public final class RowsAhead {
    private float[] rows;
    private short[] shorts;
    private byte[] bytes;
    private int first, stride, length, end;

    /** Aims at {@code count} rows of {@code dim} floats, {@code stride} apart from {@code rows[first]}. */
    RowsAhead aim(float[] rows, int first, int stride, int count, int dim) {
        return aim(rows, null, null, first, stride, count, dim);
    }

    /** Aims at {@code count} narrow rows of {@code dim} elements: the first {@code count} of {@code narrow}. */
    RowsAhead aim(NarrowRows narrow, int count, int dim) {
        return aim(null, narrow.shorts, narrow.bytes, narrow.first, narrow.stride, count, dim);
    }

    private RowsAhead aim(float[] rows, short[] shorts, byte[] bytes, int first, int stride, int count, int dim) {
        this.rows = rows;
        this.shorts = shorts;
        this.bytes = bytes;
        this.first = first;
        this.stride = stride;
        this.length = dim;
        this.end = count;
        return this;
    }

    /*
     * The touches are a few bytecodes each, under C2's MaxInlineSize (35), so every kernel inlines them
     * whatever its profile says: one method with a branch per array type (138 bytes) was inlined in some
     * compiles and called per key in others (issue 19's kind of lottery).
     */

    /** {@return the sum of one float of each 64-byte line of float row {@code c}} (0 past the rows aimed at) */
    public float touchFloats(int c) {
        return c < end ? lines(rows, first + c * stride, length) : 0f;
    }

    /** {@link #touchFloats} for narrow rows (bfloat16, float16, int8). */
    public float touchNarrow(int c) {
        return c >= end ? 0f : shorts != null ? lines(shorts, first + c * stride, length)
                : lines(bytes, first + c * stride, length);
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

    private static float lines(byte[] a, int at, int n) {
        float sum = 0f;
        for (int i = 0; i < n; i += 64) {
            sum += a[at + i];
        }
        return sum;
    }
}
