package org.attention4j.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.attention4j.Tensor;

/** Copies of one head row between a {@link Tensor} and a {@code float[]}, for every kernel. */
public final class Rows {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private Rows() {}

    /**
     * {@code dst[at ..] = t[b, s, h, 0 .. n)}. For {@code float[]} views arraycopy: several times cheaper
     * than a segment copy for short rows, and it allocates nothing.
     */
    public static void read(Tensor t, int b, long s, int h, float[] dst, int at, int n) {
        if (t.array() != null) {
            System.arraycopy(t.array(), t.arrayIndex(b, s, h), dst, at, n);
        } else {
            MemorySegment.copy(t.segment(), FLOAT, t.byteOffset(b, s, h), dst, at, n);
        }
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
