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

    /** {@return the sum of one element of each 64-byte line of row {@code c}} (0 past the rows aimed at) */
    public float touch(int c) {
        if (c >= end) {
            return 0f;
        }
        float sum = 0f;
        int at = first + c * stride;
        if (rows != null) {
            for (int i = 0; i < length; i += 16) {
                sum += rows[at + i];
            }
        } else if (shorts != null) {
            for (int i = 0; i < length; i += 32) {
                sum += shorts[at + i];
            }
        } else {
            for (int i = 0; i < length; i += 64) {
                sum += bytes[at + i];
            }
        }
        return sum;
    }
}
