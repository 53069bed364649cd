package org.attention4j.cli.io;

import java.util.Arrays;
import org.attention4j.io.NpyFile;
import org.attention4j.cli.BadInputException;

/** A named n-dimensional float32 array in C (row-major) order, as read from or written to a file. */
public record FloatArray(String name, long[] shape, float[] data) {
    /** The largest Java array; tensors beyond it must be split (a file may declare more). */
    public static final long MAX_ELEMENTS = NpyFile.MAX_ELEMENTS;

    public FloatArray {
        long n = elements(name, shape);
        if (data.length != n) {
            throw new IllegalArgumentException(name + ": " + data.length + " values for shape " + Arrays.toString(shape));
        }
    }

    /** The element count of {@code shape}, checked: dimensions >= 0 and a total a Java array can hold. */
    public static long elements(String where, long[] shape) {
        try {
            return NpyFile.elements(where, shape);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    public int rank() {
        return shape.length;
    }

    public String shapeText() {
        return Arrays.toString(shape);
    }
}
