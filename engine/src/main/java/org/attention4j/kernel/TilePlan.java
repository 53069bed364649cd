package org.attention4j.kernel;

import org.attention4j.AttentionSpec;

/**
 * Tile sizes and the work split for one spec on one {@link TileOps}. Pure functions of
 * (spec, lanes): every thread derives the same plan, so a row's arithmetic never depends on how the
 * work was split.
 *
 * <p>A work item is (batch, kv head, query block). Its rows are the query block's positions for every
 * query head of the kv head's group (GQA/MQA), so each key/value block is packed once and used by the
 * whole group.
 */
public final class TilePlan {
    /**
     * Keys per block. 64 is a multiple of every micro-kernel width (4 vectors of up to 16 lanes) and
     * keeps the score tile (64 × rows) in L1/L2; larger blocks did not pay off (docs/PERFORMANCE.md).
     */
    public static final int KEY_BLOCK = 64;

    /** Upper bound on the floats in one item's query tile (rows × paddedDim): 64 KiB, L2-resident. */
    private static final int ROW_TILE_FLOATS = 16 * 1024;
    private static final int MAX_ROWS = 128;
    private static final int MIN_ROWS = 32;

    private TilePlan() {}

    public static int paddedDim(int headDim, int lanes) {
        return roundUp(headDim, lanes);
    }

    /** Query positions per work item (per head of the group). */
    public static int queryBlock(AttentionSpec spec, int lanes) {
        int targetRows = Math.clamp(ROW_TILE_FLOATS / paddedDim(spec.headDim(), lanes), MIN_ROWS, MAX_ROWS);
        int block = Math.max(1, targetRows / spec.groupSize());
        return Math.max(1, Math.min(block, spec.queryLength()));
    }

    public static int queryBlocks(AttentionSpec spec, int lanes) {
        int block = queryBlock(spec, lanes);
        return (spec.queryLength() + block - 1) / block;
    }

    /** Work items: batch × kvHeads × query blocks. */
    public static int itemCount(AttentionSpec spec, int lanes) {
        return spec.batch() * spec.kvHeads() * queryBlocks(spec, lanes);
    }

    /** Tile rows (group heads × query block), padded to the ops' row multiple. */
    public static int paddedRows(AttentionSpec spec, TileOps ops) {
        return roundUp(spec.groupSize() * queryBlock(spec, ops.lanes()), Math.max(4, ops.rowMultiple()));
    }

    static int roundUp(int value, int multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }
}
