package org.attention4j.kernel;

/**
 * Rows a decode kernel touches while it computes on others: one float of each 64-byte line of row
 * {@code c}, read after the kernel's key {@code c}, so the rows' cache misses overlap arithmetic instead
 * of stalling the loop that reads them next (Java has no prefetch instruction; a separate pass over them
 * first, or in bursts, made decode slower). The row-by-row path scores keys read in place touching the
 * same block's value rows (docs/KV_CACHE.md, "Decode speed"). One per workspace, re-aimed per block: no
 * allocation. Only rows of a {@code float[]}: through a {@code MemorySegment} the access site saw a
 * segment class per element type, and a JVM that had decoded bfloat16 caches ran float32 decode 50 %
 * slower.
 */
public final class RowsAhead {
    private float[] rows;
    private int first, stride, length, end;

    /** Aims at {@code count} rows of {@code dim} floats, {@code stride} apart from {@code rows[first]}. */
    RowsAhead aim(float[] rows, int first, int stride, int count, int dim) {
        this.rows = rows;
        this.first = first;
        this.stride = stride;
        this.length = dim;
        this.end = count;
        return this;
    }

    /** {@return the sum of one float of each line of row {@code c}} (0 past the rows aimed at) */
    public float touch(int c) {
        if (c >= end) {
            return 0f;
        }
        float sum = 0f;
        for (int i = 0, at = first + c * stride; i < length; i += 16) {
            sum += rows[at + i];
        }
        return sum;
    }
}
