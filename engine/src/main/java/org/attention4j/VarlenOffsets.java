package org.attention4j;

/** Validation of the cumulative sequence offsets of a variable-length packed batch ({@code cu_seqlens}). */
final class VarlenOffsets {
    private VarlenOffsets() {}

    static void check(AttentionSpec spec, int[] cuSeqlensQ, int[] cuSeqlensK) {
        if (spec.batch() != 1) {
            throw new IllegalArgumentException("varlen spec batch = " + spec.batch()
                    + ": expected 1 (the sequences are packed along the sequence axis)");
        }
        if (spec.blockSparse() != null) {
            throw new IllegalArgumentException("varlen with a block-sparse layout: expected none (a layout's block"
                    + " grid is made for one pair of lengths)");
        }
        check("cuSeqlensQ", cuSeqlensQ, spec.queryLength(), "queryLength");
        check("cuSeqlensK", cuSeqlensK, spec.keyLength(), "keyLength");
        if (cuSeqlensQ.length != cuSeqlensK.length) {
            throw new IllegalArgumentException("cuSeqlensQ has " + cuSeqlensQ.length + " offsets and cuSeqlensK "
                    + cuSeqlensK.length + ": expected the same count (sequences + 1)");
        }
    }

    private static void check(String name, int[] offsets, int total, String totalName) {
        if (offsets == null || offsets.length < 2) {
            throw new IllegalArgumentException(name + " = " + (offsets == null ? "null" : "an array of " + offsets.length)
                    + ": expected sequences + 1 (at least 2) cumulative offsets starting at 0");
        }
        if (offsets[0] != 0) {
            throw new IllegalArgumentException(name + "[0] = " + offsets[0] + ": expected 0");
        }
        for (int s = 1; s < offsets.length; s++) {
            if (offsets[s] < offsets[s - 1]) {
                throw new IllegalArgumentException(name + "[" + s + "] = " + offsets[s] + " < " + name + "[" + (s - 1)
                        + "] = " + offsets[s - 1] + ": expected non-decreasing cumulative offsets");
            }
        }
        if (offsets[offsets.length - 1] != total) {
            throw new IllegalArgumentException(name + "[" + (offsets.length - 1) + "] = " + offsets[offsets.length - 1]
                    + ": expected the spec's " + totalName + " " + total + " (the packed total)");
        }
    }
}
