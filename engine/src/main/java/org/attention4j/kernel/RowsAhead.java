package org.attention4j.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Rows a decode kernel touches while it computes on others: one byte of each 64-byte line of row
 * {@code c}, read after the kernel's key {@code c}, so the rows' cache misses overlap arithmetic instead
 * of stalling the loop that reads them next (Java has no prefetch instruction; a separate pass over them
 * first, or in bursts, made decode slower). The row-by-row path scores keys touching the same block's
 * value rows, and, when its values were widened into a buffer, accumulates them touching the next
 * block's key rows (docs/KV_CACHE.md, "Decode speed"). One per workspace, re-aimed per block: no
 * allocation.
 */
public final class RowsAhead {
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    private MemorySegment segment;
    private long firstByte, strideBytes, end;
    private int bytes;

    /** Aims at {@code count} rows of {@code bytes} bytes, {@code strideBytes} apart from {@code firstByte}. */
    RowsAhead aim(MemorySegment segment, long firstByte, long strideBytes, int count, int bytes) {
        this.segment = segment;
        this.firstByte = firstByte;
        this.strideBytes = strideBytes;
        this.bytes = bytes;
        this.end = count;
        return this;
    }

    /** {@return the sum of one byte of each line of row {@code c}} (0 past the rows aimed at) */
    public float touch(int c) {
        if (c >= end) {
            return 0f;
        }
        long at = firstByte + c * strideBytes;
        int sum = 0;
        for (int offset = 0; offset < bytes; offset += 64) {
            sum += segment.get(BYTE, at + offset);
        }
        return sum;
    }
}
