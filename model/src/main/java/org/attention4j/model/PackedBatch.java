package org.attention4j.model;

/** Token ids of consecutive texts packed end to end, with their cumulative offsets (reused between batches). */
final class PackedBatch {
    int[] ids = new int[0];
    int[] cuSeqlens = new int[1];

    /**
     * Where each batch of at most {@code budget} tokens starts (a text longer than that is a batch of its
     * own), then the text count: batch {@code b} is texts {@code firsts[b] .. firsts[b + 1]}.
     */
    static int[] firsts(int[][] texts, int budget) {
        int[] firsts = new int[texts.length + 1];
        int batches = 0;
        for (int first = 0; first < texts.length; ) {
            firsts[batches++] = first;
            int tokens = texts[first++].length;
            while (first < texts.length && tokens + texts[first].length <= budget) {
                tokens += texts[first++].length;
            }
        }
        firsts[batches] = texts.length;
        return java.util.Arrays.copyOf(firsts, batches + 1);
    }

    /** Packs texts {@code first .. end}. */
    void pack(int[][] texts, int first, int end) {
        int tokens = 0;
        for (int i = first; i < end; i++) {
            tokens += texts[i].length;
        }
        if (ids.length < tokens) {
            ids = new int[tokens];
        }
        cuSeqlens = new int[end - first + 1];
        for (int i = first, at = 0; i < end; i++) {
            System.arraycopy(texts[i], 0, ids, at, texts[i].length);
            at += texts[i].length;
            cuSeqlens[i - first + 1] = at;
        }
    }
}
