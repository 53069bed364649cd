package org.attention4j.cli.io;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.attention4j.ElementType;
import org.attention4j.Tensor;
import org.attention4j.kernel.Widening;

/**
 * A named n-dimensional array in C (row-major) order whose elements are stored as {@code type}: float32,
 * bfloat16 or float16 bit patterns, or int8 with one float32 scale per row (a row is the last axis, so
 * {@code scales} has the shape without its last axis, in the same order). Keys and values as {@code run}
 * reads them: kept in the file's type, then viewed by the engine as they are.
 *
 * @param name the tensor's name, for messages
 * @param shape the dimensions, outermost first
 * @param type how the elements are stored
 * @param data a heap segment over a {@code float[]}, {@code short[]} or {@code byte[]} of the elements
 * @param scales INT8: one scale per row; null for the other types
 */
public record TypedArray(String name, long[] shape, ElementType type, MemorySegment data, float[] scales) {
    public TypedArray {
        long n = FloatArray.elements(name, shape);
        if (data.byteSize() != n * type.byteSize()) {
            throw new IllegalArgumentException(name + ": " + data.byteSize() + " bytes for " + n + " elements of "
                    + type);
        }
        if ((type == ElementType.INT8) != (scales != null) || (scales != null && scales.length != rows(shape))) {
            throw new IllegalArgumentException(name + ": int8 needs one scale per row, the other types none");
        }
    }

    /** {@return the number of rows of {@code shape}: the product of all but its last dimension} */
    private static long rows(long[] shape) {
        return FloatArray.elements("rows", Arrays.copyOf(shape, Math.max(0, shape.length - 1)));
    }

    /** {@return float32 elements} */
    public static TypedArray of(FloatArray a) {
        return new TypedArray(a.name(), a.shape(), ElementType.FLOAT32, MemorySegment.ofArray(a.data()), null);
    }

    /** {@return bfloat16 or float16 bit patterns, as stored} */
    public static TypedArray halves(String name, long[] shape, ElementType type, short[] bits) {
        return new TypedArray(name, shape, type, MemorySegment.ofArray(bits), null);
    }

    /** {@return int8 elements, element = byte · the scale of its row} */
    public static TypedArray int8(String name, long[] shape, byte[] bytes, float[] scales) {
        return new TypedArray(name, shape, ElementType.INT8, MemorySegment.ofArray(bytes), scales);
    }

    public int rank() {
        return shape.length;
    }

    public String shapeText() {
        return Arrays.toString(shape);
    }

    /**
     * {@return the engine's view of this 4-d array} {@code [B, L, H, D]} (BSHD) or {@code [B, H, L, D]}
     * (BHSD): the same memory, the sequence and head axes read in the layout's order. No copy.
     */
    public Tensor view(boolean bhsd) {
        long inner = shape[2] * shape[3], batch = shape[1] * inner;
        long seq = bhsd ? shape[3] : inner, head = bhsd ? inner : shape[3];
        if (type == ElementType.FLOAT32) {
            return Tensor.of(data, 0, batch, seq, head);
        }
        if (type != ElementType.INT8) {
            return Tensor.of(type, data, 0, batch, seq, head);
        }
        // one scale per (b, axis 1, axis 2), in the same order as the rows
        Tensor s = Tensor.of(scales, 0, shape[1] * shape[2], bhsd ? 1 : shape[2], bhsd ? shape[2] : 1);
        return Tensor.int8(data, 0, batch, seq, head, s);
    }

    /**
     * {@return this 4-d array stored as {@code to}}: widened (or dequantized) to float32 and narrowed as
     * {@link Widening#convert} does, so a typed file gives what its float32 equivalent would. The rows keep
     * their order whatever the layout, so this converts through the BSHD view.
     *
     * @param what the tensor's name in a float16 overflow or non-finite int8 error
     */
    public TypedArray converted(ElementType to, String what) {
        if (to == type) {
            return this;
        }
        Tensor t = Widening.convert(what, view(false), (int) shape[0], (int) shape[1], (int) shape[2],
                (int) shape[3], to, false);
        float[] s = t.scales() == null ? null : (float[]) t.scales().heapBase();
        return new TypedArray(name, shape, to, t.segment(), s);
    }

    /** {@return the elements as float32} (widened, int8 times its row's scale; float32 is not copied) */
    public FloatArray widened() {
        if (type == ElementType.FLOAT32 && data.heapBase().orElse(null) instanceof float[] f) {
            return new FloatArray(name, shape, f);
        }
        float[] out = new float[(int) FloatArray.elements(name, shape)];
        int row = shape.length == 0 ? 1 : (int) shape[shape.length - 1];
        for (int r = 0, at = 0; at < out.length; r++, at += row) { // (row == 0: out is empty)
            Widening.widenRow(type, data, (long) at * type.byteSize(), scales == null ? 1f : scales[r], out, at, row);
        }
        return new FloatArray(name, shape, out);
    }
}
