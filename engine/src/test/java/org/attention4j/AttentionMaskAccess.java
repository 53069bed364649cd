package org.attention4j;

/** Test helper: padded flags from real lengths, as {@link AttentionMask#keyLengths} builds them. */
final class AttentionMaskAccess {
    private AttentionMaskAccess() {}

    static boolean[] padded(int[] lengths, int keys) {
        boolean[] padded = new boolean[lengths.length * keys];
        for (int b = 0; b < lengths.length; b++) {
            for (int j = lengths[b]; j < keys; j++) {
                padded[b * keys + j] = true;
            }
        }
        return padded;
    }
}
