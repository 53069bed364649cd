package org.attention4j.layer.linear;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.attention4j.Tensor;
import org.attention4j.kernel.Rows;

/**
 * Copies rows of one (batch, head) slice of a strided {@link Tensor} to and from dense row-major
 * {@code float[]} blocks, so the products can run as GEMMs on any layout (BSHD, BHSD, packed QKV) and
 * storage (array, heap or native segment). A row's {@code dim} floats are contiguous in every view,
 * so each row is one bulk copy.
 */
final class HeadRows {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private HeadRows() {}

    /** {@code dst[r·dim + d] = t(b, first + r, h, d)} for {@code r < count} (keys and values of any type widened). */
    static void read(Tensor t, int b, int h, int first, int count, int dim, float[] dst) {
        for (int r = 0; r < count; r++) {
            Rows.read(t, b, first + r, h, dst, r * dim, dim);
        }
    }

    /** {@code dst[d·ld + r] = t(b, first + r, h, d)}: the rows as columns, through {@code row} (≥ dim floats). */
    static void readTransposed(Tensor t, int b, int h, int first, int count, int dim, float[] row, float[] dst,
                               int ld) {
        for (int r = 0; r < count; r++) {
            Rows.read(t, b, first + r, h, row, 0, dim);
            for (int d = 0; d < dim; d++) {
                dst[d * ld + r] = row[d];
            }
        }
    }

    /** {@code t(b, first + r, h, d) = src[r·dim + d]} for {@code r < count}. */
    static void write(float[] src, Tensor t, int b, int h, int first, int count, int dim) {
        for (int r = 0; r < count; r++) {
            MemorySegment.copy(src, r * dim, t.segment(), FLOAT, t.byteOffset(b, first + r, h), dim);
        }
    }
}
