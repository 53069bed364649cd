package org.attention4j.model;

/** Token ids of consecutive texts packed end to end, with their cumulative offsets (reused between batches). */
final class PackedBatch {
    int[] ids = new int[0];
    int[] cuSeqlens = new int[1];

    /**
     * Packs texts from {@code first} on until adding the next would pass {@code budget} tokens (at least
     * one text per batch); returns the end (exclusive).
     */
    int pack(int[][] texts, int first, int budget) {
        int end = first, tokens = 0;
        while (end < texts.length && (end == first || tokens + texts[end].length <= budget)) {
            tokens += texts[end++].length;
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
        return end;
    }
}
