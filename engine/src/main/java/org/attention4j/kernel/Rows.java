package org.attention4j.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.attention4j.ElementType;
import org.attention4j.Tensor;

/** Copies of one head row between a {@link Tensor} and a {@code float[]}, for every kernel. */
public final class Rows {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private Rows() {}

    /**
     * {@code dst[at ..] = t[b, s, h, 0 .. n)} as float32 (other element types widened, element by element:
     * kernels widen with {@link TileOps#widenRow}). For {@code float[]} views arraycopy: several times
     * cheaper than a segment copy for short rows, and it allocates nothing.
     */
    public static void read(Tensor t, int b, long s, int h, float[] dst, int at, int n) {
        if (t.array() != null) {
            System.arraycopy(t.array(), t.arrayIndex(b, s, h), dst, at, n);
        } else if (t.type() == ElementType.FLOAT32) {
            MemorySegment.copy(t.segment(), FLOAT, t.byteOffset(b, s, h), dst, at, n);
        } else {
            Widening.widenRow(t.type(), t.segment(), t.byteOffset(b, s, h), Widening.rowScale(t, b, s, h), dst, at, n);
        }
    }

    /**
     * Reads one float of each 64-byte line of rows {@code t[b, first .. first + count, h, 0 .. n)} and
     * returns their sum (callers keep it so the loads stay). The loads do not depend on each other, so
     * their cache misses overlap; a consumer that then gathers or copies the rows finds them in cache.
     * Four sums: one chain of float additions would make every load wait for the one before.
     */
    public static float touch(Tensor t, int b, long first, int count, int h, int n) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        float[] a = t.array();
        if (a == null) {
            if (t.type() != ElementType.FLOAT32) {
                return 0f; // only queries are touched, and they are float32
            }
            for (int i = 0; i < count; i++) {
                long at = t.byteOffset(b, first + i, h);
                for (int d = 0; d < n; d += 16) {
                    s0 += t.segment().get(FLOAT, at + 4L * d);
                }
            }
            return s0;
        }
        for (int i = 0; i < count; i++) {
            int at = t.arrayIndex(b, first + i, h);
            for (int d = 0; d < n; d += 64) {
                s0 += a[at + d];
                s1 += d + 16 < n ? a[at + d + 16] : 0f;
                s2 += d + 32 < n ? a[at + d + 32] : 0f;
                s3 += d + 48 < n ? a[at + d + 48] : 0f;
            }
        }
        return s0 + s1 + s2 + s3;
    }

    /** {@code t[b, s, h, 0 .. n) = src[0 ..]}, as {@link #read}. */
    public static void write(float[] src, int n, Tensor t, int b, long s, int h) {
        write(src, 0, n, t, b, s, h);
    }

    /** {@code t[b, s, h, 0 .. n) = src[at ..]}, as {@link #read}. */
    public static void write(float[] src, int at, int n, Tensor t, int b, long s, int h) {
        if (t.array() != null) {
            System.arraycopy(src, at, t.array(), t.arrayIndex(b, s, h), n);
        } else {
            MemorySegment.copy(src, at, t.segment(), FLOAT, t.byteOffset(b, s, h), n);
        }
    }
}
