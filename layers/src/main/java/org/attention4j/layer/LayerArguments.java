package org.attention4j.layer;

import org.attention4j.KvCache;

/**
 * Validation of a {@link MultiHeadAttention#forward} call, all of it before anything is written: each
 * rule throws an {@link IllegalArgumentException} naming the argument, its value and what was
 * expected, in the style of the kernel's {@code ForwardArguments}. Sizes are computed in {@code long}.
 */
final class LayerArguments {
    private LayerArguments() {}

    /** Checks {@code [first, first + rows)} against {@code [0, limit)}; shared by the positional encodings. */
    static void checkPositions(long first, int rows, long limit) {
        if (first < 0) {
            throw new IllegalArgumentException("first position = " + first + ": expected >= 0");
        }
        if (rows > 0 && first + rows > limit) {
            throw new IllegalArgumentException("positions " + first + ".." + (first + rows - 1)
                    + ": expected < " + limit + " (the encoding's table size)");
        }
    }

    static void check(MultiHeadAttention layer, int batch, float[] xq, int queryLength, long queryPosition,
                      float[] xkv, int keyLength, long keyPosition, float[] y) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch = " + batch + ": expected >= 1");
        }
        nonNegative("queryLength", queryLength);
        nonNegative("keyLength", keyLength);
        int d = layer.dModel();
        rows("xq", xq, batch, queryLength, "queryLength", d);
        rows("xkv", xkv, batch, keyLength, "keyLength", d);
        rows("y", y, batch, queryLength, "queryLength", d);
        PositionalEncoding positions = layer.positionalEncoding();
        long limit = positions == null ? Long.MAX_VALUE : positions.positionLimit();
        position("queryPosition", queryPosition, queryLength, limit);
        position("keyPosition", keyPosition, keyLength, limit);
        // The kernel's own rules run when the layer builds the spec of a new shape, also before any write.
    }

    /**
     * A call against a {@link KvCache}: the rows as {@link #check} does, then the cache's shape against the
     * layer's weights and the call's batch, its free capacity, and the positions {@code cache.length() ..}
     * against the positional encoding's table.
     */
    static void checkCache(MultiHeadAttention layer, int batch, float[] x, int length, float[] y, KvCache cache) {
        if (cache == null) {
            throw new IllegalArgumentException("cache = null: expected a KvCache of the layer's shape (newCache)");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch = " + batch + ": expected >= 1");
        }
        nonNegative("length", length);
        int d = layer.dModel();
        rows("x", x, batch, length, "length", d);
        rows("y", y, batch, length, "length", d);
        MultiHeadAttentionWeights w = layer.weights();
        if (cache.kvHeads() != w.kvHeads() || cache.headDim() != w.headDim()
                || cache.valueHeadDim() != w.valueHeadDim()) {
            throw new IllegalArgumentException("cache: kvHeads " + cache.kvHeads() + ", headDim " + cache.headDim()
                    + ", valueHeadDim " + cache.valueHeadDim() + ": expected the weights' " + w.kvHeads() + ", "
                    + w.headDim() + ", " + w.valueHeadDim() + " (newCache builds one)");
        }
        if (cache.batch() != batch) {
            throw new IllegalArgumentException("cache: batch " + cache.batch() + ": expected the call's batch = " + batch);
        }
        if (length > cache.capacity() - cache.length()) {
            throw new IllegalArgumentException("cache: length " + cache.length() + " + " + length + " new positions > "
                    + "capacity " + cache.capacity() + ": expected a larger cache, or clear() or truncate() it first");
        }
        PositionalEncoding positions = layer.positionalEncoding();
        position("cache.length()", cache.length(), length, positions == null ? Long.MAX_VALUE
                : positions.positionLimit());
    }

    /** The cumulative offsets of a packed batch: from 0, non-decreasing, each sequence within the position limit. */
    static void checkOffsets(int[] cuSeqlens, long positionLimit) {
        if (cuSeqlens == null || cuSeqlens.length < 2) {
            throw new IllegalArgumentException("cuSeqlens = " + (cuSeqlens == null ? "null" : "an array of "
                    + cuSeqlens.length) + ": expected sequences + 1 (at least 2) cumulative offsets starting at 0");
        }
        if (cuSeqlens[0] != 0) {
            throw new IllegalArgumentException("cuSeqlens[0] = " + cuSeqlens[0] + ": expected 0");
        }
        for (int s = 1; s < cuSeqlens.length; s++) {
            long length = (long) cuSeqlens[s] - cuSeqlens[s - 1];
            if (length < 0) {
                throw new IllegalArgumentException("cuSeqlens[" + s + "] = " + cuSeqlens[s] + " < cuSeqlens[" + (s - 1)
                        + "] = " + cuSeqlens[s - 1] + ": expected non-decreasing cumulative offsets");
            }
            if (length > positionLimit) {
                throw new IllegalArgumentException("sequence " + (s - 1) + " has " + length + " rows: expected <= "
                        + positionLimit + " (the positional encoding's table size)");
            }
        }
    }

    private static void nonNegative(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " = " + value + ": expected >= 0");
        }
    }

    private static void rows(String name, float[] array, int batch, int length, String lengthName, int dModel) {
        if (array == null) {
            throw new IllegalArgumentException(name + " = null: expected an array of batch·" + lengthName
                    + "·dModel floats");
        }
        long needed = (long) batch * length * dModel;
        if (array.length < needed) {
            throw new IllegalArgumentException(name + ".length = " + array.length + ": expected >= batch·" + lengthName
                    + "·dModel = " + batch + "·" + length + "·" + dModel + " = " + needed);
        }
    }

    private static void position(String name, long first, int length, long limit) {
        if (first < 0) {
            throw new IllegalArgumentException(name + " = " + first + ": expected >= 0");
        }
        if (length > 0 && first > limit - length) {
            throw new IllegalArgumentException(name + " = " + first + " with " + length + " rows reaches position "
                    + (first + length - 1) + ": expected < " + limit + " (the positional encoding's table size)");
        }
    }
}
