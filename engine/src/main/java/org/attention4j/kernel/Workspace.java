package org.attention4j.kernel;

import org.attention4j.AttentionSpec;

/**
 * One thread's tile buffers for the flash driver. Sized for a spec on first use and only grown, so a
 * steady stream of calls allocates nothing. The tiles depend on head dim and group size only; the
 * per-head K/V pack grows with the key length up to {@link TilePlan#HEAD_PACK_BYTES}, past which the
 * driver packs block by block instead. See {@link TileOps} for the layouts.
 */
public final class Workspace {
    float[] queriesT = new float[0];
    float[] keys = new float[0];
    float[] valueRows = new float[0];
    float[] valuesT = new float[0];
    float[] scoresT = new float[0];
    float[] accT = new float[0];
    float[] rowMax = new float[0];
    float[] rowSum = new float[0];
    float[] alpha = new float[0];
    /** Per panel of rows, the keys of an edge block it may see: from, to. */
    int[] panelKeys = new int[0];
    /** ALiBi: each tile row's slope (negated, base 2) and query position on the key axis. */
    float[] rowSlope = new float[0];
    float[] rowPosition = new float[0];
    /** Block-sparse: which layout key blocks the current item visits. */
    boolean[] activeKeyBlocks = new boolean[0];
    /** All keys and transposed values of one head, when {@link TilePlan#packsWholeHead}; which call and head. */
    float[] headKeys = new float[0];
    float[] headValuesT = new float[0];
    long packedCall = -1;
    int packedHead = -1;

    /**
     * Gather offsets {@code {0, s, 2s, …}} (16 entries: the widest vectors): {@code denseLanes} for rows
     * {@code headDim} apart in this workspace's buffers, {@code sourceLanes} for a caller's tensor.
     */
    final int[] denseLanes = new int[16];
    final int[] sourceLanes = new int[16];

    void setLaneOffsets(int[] lanes, int stride) {
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = i * stride;
        }
    }

    /** Whether the per-head pack holds (batch · kvHeads + kvHead) {@code head} of call {@code callId}. */
    boolean holds(long callId, int head) {
        return packedCall == callId && packedHead == head;
    }

    /** Makes every buffer large enough for {@code spec} on {@code ops}. */
    public void prepare(AttentionSpec spec, TileOps ops) {
        int rows = TilePlan.paddedRows(spec, ops);
        int dim = TilePlan.paddedDim(spec.headDim(), ops);
        int keyBlock = TilePlan.KEY_BLOCK;
        queriesT = atLeast(queriesT, spec.headDim() * rows);
        keys = atLeast(keys, keyBlock * spec.headDim());
        valueRows = atLeast(valueRows, keyBlock * spec.headDim());
        valuesT = atLeast(valuesT, dim * keyBlock);
        scoresT = atLeast(scoresT, keyBlock * rows);
        accT = atLeast(accT, rows * dim);
        rowMax = atLeast(rowMax, rows);
        rowSum = atLeast(rowSum, rows);
        alpha = atLeast(alpha, rows);
        if (panelKeys.length < 2 * (rows / ops.panelWidth())) {
            panelKeys = new int[2 * (rows / ops.panelWidth())];
        }
        if (spec.hasAlibi()) {
            rowSlope = atLeast(rowSlope, rows);
            rowPosition = atLeast(rowPosition, rows);
        }
        if (spec.blockSparse() != null && activeKeyBlocks.length < spec.blockSparse().keyBlocks()) {
            activeKeyBlocks = new boolean[spec.blockSparse().keyBlocks()];
        }
        if (TilePlan.packsWholeHead(spec, ops)) {
            headKeys = atLeast(headKeys, (spec.keyLength() + ops.tileRows()) * spec.headDim());
            headValuesT = atLeast(headValuesT, TilePlan.keyBlocks(spec) * keyBlock * dim);
        }
        setLaneOffsets(denseLanes, spec.headDim());
        packedCall = -1; // a grown or reused workspace holds nothing packed for the next call
    }

    /** Bytes one workspace needs for {@code spec} on {@code ops} (what {@link #prepare} allocates). */
    public static long bytesFor(AttentionSpec spec, TileOps ops) {
        long rows = TilePlan.paddedRows(spec, ops);
        long dim = TilePlan.paddedDim(spec.headDim(), ops);
        long keyBlock = TilePlan.KEY_BLOCK;
        long floats = spec.headDim() * rows + 2 * keyBlock * spec.headDim() + keyBlock * dim + keyBlock * rows
                + rows * dim + 3 * rows + (spec.hasAlibi() ? 2 * rows : 0) + 2 * rows / ops.panelWidth();
        long layoutBytes = spec.blockSparse() == null ? 0 : spec.blockSparse().keyBlocks();
        return floats * Float.BYTES + layoutBytes + (TilePlan.packsWholeHead(spec, ops) ? TilePlan.headPackBytes(spec, ops) : 0);
    }

    /** Bytes currently held. */
    public long bytes() {
        return (long) Float.BYTES * (queriesT.length + keys.length + valueRows.length + valuesT.length + scoresT.length
                + accT.length + headKeys.length + headValuesT.length + rowMax.length + rowSum.length + alpha.length
                + rowSlope.length + rowPosition.length + panelKeys.length) + activeKeyBlocks.length;
    }

    private static float[] atLeast(float[] buffer, int size) {
        return buffer.length >= size ? buffer : new float[size];
    }
}
