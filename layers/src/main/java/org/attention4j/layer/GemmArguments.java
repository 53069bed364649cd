package org.attention4j.layer;

/**
 * Validation of a {@link Gemm#multiply} call, all of it before anything is written: each rule throws
 * an {@link IllegalArgumentException} naming the argument, its value and what was expected. Index
 * arithmetic is done in {@code long}, so huge leading dimensions cannot wrap around into range.
 */
final class GemmArguments {
    private GemmArguments() {}

    static void check(int m, int n, int k, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                      float[] c, int cOffset, int ldc) {
        nonNegative("m", m);
        nonNegative("n", n);
        nonNegative("k", k);
        notNull("a", a);
        notNull("b", b);
        notNull("c", c);
        leadingDimension("lda", lda, "k", k);
        leadingDimension("ldb", ldb, "n", n);
        leadingDimension("ldc", ldc, "n", n);
        region("a", a, "aOffset", aOffset, m, k, "lda", lda, "m", "k");
        region("b", b, "bOffset", bOffset, k, n, "ldb", ldb, "k", "n");
        region("c", c, "cOffset", cOffset, m, n, "ldc", ldc, "m", "n");
        if (m > 0 && n > 0) {
            apart("a", a, aOffset, lda, m, k, c, cOffset, ldc, m, n);
            apart("b", b, bOffset, ldb, k, n, c, cOffset, ldc, m, n);
        }
    }

    /** The checks of a call whose B was packed ahead: A and C only ({@code n} and {@code k} are B's). */
    static void checkWithPackedB(int m, int n, int k, float[] a, int aOffset, int lda, float[] c, int cOffset, int ldc) {
        nonNegative("m", m);
        notNull("a", a);
        notNull("c", c);
        leadingDimension("lda", lda, "k", k);
        leadingDimension("ldc", ldc, "n", n);
        region("a", a, "aOffset", aOffset, m, k, "lda", lda, "m", "k");
        region("c", c, "cOffset", cOffset, m, n, "ldc", ldc, "m", "n");
        if (m > 0 && n > 0) {
            apart("a", a, aOffset, lda, m, k, c, cOffset, ldc, m, n);
        }
    }

    /** The checks of B alone, before it is packed. */
    static void checkB(int k, int n, float[] b, int bOffset, int ldb) {
        nonNegative("n", n);
        nonNegative("k", k);
        notNull("b", b);
        leadingDimension("ldb", ldb, "n", n);
        region("b", b, "bOffset", bOffset, k, n, "ldb", ldb, "k", "n");
    }

    private static void nonNegative(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " = " + value + ": expected >= 0");
        }
    }

    private static void notNull(String name, float[] array) {
        if (array == null) {
            throw new IllegalArgumentException(name + " = null: expected an array");
        }
    }

    /** Row-major: a leading dimension is at least the row width, and at least 1 (as in BLAS). */
    private static void leadingDimension(String name, int value, String widthName, int width) {
        if (value < Math.max(1, width)) {
            throw new IllegalArgumentException(name + " = " + value + ": expected >= max(1, " + widthName + ") = "
                    + Math.max(1, width));
        }
    }

    /** The offset lies in the array, and so does the last element of a non-empty rows × cols region. */
    private static void region(String name, float[] array, String offsetName, int offset, int rows, int cols,
                               String ldName, int ld, String rowsName, String colsName) {
        if (offset < 0 || offset > array.length) {
            throw new IllegalArgumentException(offsetName + " = " + offset + ": expected 0.." + array.length + " ("
                    + name + ".length)");
        }
        if (rows == 0 || cols == 0) {
            return;
        }
        long end = offset + (long) (rows - 1) * ld + cols;
        if (end > array.length) {
            throw new IllegalArgumentException(name + ".length = " + array.length + ": expected >= " + offsetName
                    + " + (" + rowsName + " − 1)·" + ldName + " + " + colsName + " = " + end);
        }
    }

    /**
     * C must not share an element with an input (packing reads the input while C is written). Both are
     * sorted runs of disjoint rows (a leading dimension is at least the width), so one merge-like pass
     * over the rows finds a shared element exactly: interleaved column slices of one buffer pass.
     */
    private static void apart(String name, float[] input, int inOffset, int inLd, int inRows, int inCols, float[] c,
                              int cOffset, int ldc, int cRows, int cCols) {
        if (input != c || inRows == 0 || inCols == 0) {
            return;
        }
        int i = 0, j = 0;
        while (i < inRows && j < cRows) {
            long inFirst = inOffset + (long) i * inLd, inEnd = inFirst + inCols;
            long cFirst = cOffset + (long) j * ldc, cEnd = cFirst + cCols;
            if (inFirst < cEnd && cFirst < inEnd) {
                throw new IllegalArgumentException("c overlaps " + name + ": row " + j + " of C and row " + i + " of "
                        + name.toUpperCase(java.util.Locale.ROOT) + " share elements of the same array from index "
                        + Math.max(inFirst, cFirst) + "; expected C apart from A and B");
            }
            if (inEnd <= cFirst) {
                i++;
            } else {
                j++;
            }
        }
    }
}
