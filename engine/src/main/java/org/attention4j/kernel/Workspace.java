package org.attention4j.kernel;

import org.attention4j.AttentionSpec;

/**
 * One thread's tile buffers for the flash driver. Sized for a spec on first use and only grown, so a
 * steady stream of calls allocates nothing. The tiles depend on head dim and group size only; the
 * cache of packed K/V blocks grows with the key length up to {@link TilePlan#PACK_CACHE_BYTES}. See
 * {@link TileOps} for the layouts.
 */
public final class Workspace {
    float[] queriesT = new float[0];
    /** Row by row ({@link TilePlan#rowByRow}): the item's query rows, scaled, one after the other. */
    float[] queryRows = new float[0];
    float[] keys = new float[0];
    /** Rows the decode kernels touch ahead of use, re-aimed per block. */
    final RowsAhead rowsAhead = new RowsAhead();
    /** Narrow (bfloat16, float16, int8) key and value rows the decode kernels read in place. */
    final NarrowRows narrowKeys = new NarrowRows(), narrowValues = new NarrowRows();
    /** The int8 scales of the rows being widened (one key block). */
    float[] rowScales = new float[0];
    float[] valueRows = new float[0];
    /** The sum of what {@link Rows#touch} read: kept so those loads are not optimized away. */
    float touched;
    float[] valuesT = new float[0];
    float[] scoresT = new float[0];
    /** Row by row: the item's scores, then probabilities, row-major ({@link TileOps#scoreRows}). */
    float[] rowScores = new float[0];
    float[] accT = new float[0];
    float[] rowMax = new float[0];
    float[] rowSum = new float[0];
    float[] alpha = new float[0];
    /** Per panel of rows, the keys of an edge block it may see: from, to. */
    int[] panelKeys = new int[0];
    /** Per panel of rows, the keys of an edge block each half of it may see: from, to, from, to. */
    int[] halfKeys = new int[0];
    /** Per panel of rows, the keys of an edge block every one of its rows sees: from, to. */
    int[] panelSharedKeys = new int[0];
    /** Under a window or causal mask: each tile row's visible keys, first and end (exclusive). */
    int[] rowFirstKey = new int[0];
    int[] rowEndKey = new int[0];
    /** ALiBi: each tile row's slope (negated, base 2) and query position on the key axis. */
    float[] rowSlope = new float[0];
    float[] rowPosition = new float[0];
    /** Block-sparse: which layout key blocks the current item visits. */
    boolean[] activeKeyBlocks = new boolean[0];
    /** The cache of packed key/value blocks, reused by the items of a head on this thread. */
    final PackedBlocks packed = new PackedBlocks();
    /** Where the item this workspace runs lies, re-aimed per item. */
    final WorkItem item = new WorkItem();
    /** The call record of a single-thread call run on this workspace ({@link ForwardJob#runAll}). */
    final ForwardCall soloCall = new ForwardCall();

    /**
     * Gather offsets {@code {0, s, 2s, …}} (16 entries: the widest vectors): {@code denseLanes} for rows
     * {@code headDim} apart in this workspace's buffers, {@code denseValueLanes} for rows
     * {@code valueHeadDim} apart, {@code sourceLanes} for a caller's query tensor, {@code valueLanes} for
     * its value tensor.
     */
    final int[] denseLanes = new int[16];
    final int[] denseValueLanes = new int[16];
    final int[] sourceLanes = new int[16];
    final int[] valueLanes = new int[16];

    void setLaneOffsets(int[] lanes, int stride) {
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = i * stride;
        }
    }

    /** Makes every buffer large enough for {@code spec} on {@code ops}. */
    public void prepare(AttentionSpec spec, TileOps ops) {
        prepare(spec, ops, TilePlan.PACK_CACHE_BYTES);
    }

    /** {@link #prepare(AttentionSpec, TileOps)} with a cache of at most {@code cacheBytes} (tests). */
    void prepare(AttentionSpec spec, TileOps ops, long cacheBytes) {
        int rows = TilePlan.paddedRows(spec, ops);
        int valueDim = TilePlan.paddedValueDim(spec, ops);
        int keyBlock = ops.keyBlock();
        queriesT = atLeast(queriesT, spec.headDim() * rows);
        queryRows = atLeast(queryRows, spec.headDim() * TilePlan.ROW_BY_ROW_MAX_ROWS);
        keys = atLeast(keys, keyBlock * spec.headDim());
        rowScales = atLeast(rowScales, keyBlock);
        valueRows = atLeast(valueRows, keyBlock * rowBufferDim(spec));
        valuesT = atLeast(valuesT, valueDim * keyBlock);
        scoresT = atLeast(scoresT, keyBlock * rows);
        rowScores = atLeast(rowScores, keyBlock * TilePlan.ROW_BY_ROW_MAX_ROWS);
        // Row by row, the accumulators are rows × Dv, row-major; tiled, rows × paddedValueDim.
        accT = atLeast(accT, rows * valueDim);
        rowMax = atLeast(rowMax, rows);
        rowSum = atLeast(rowSum, rows);
        alpha = atLeast(alpha, rows);
        if (panelKeys.length < 2 * (rows / ops.panelWidth())) {
            panelKeys = new int[2 * (rows / ops.panelWidth())];
            halfKeys = new int[4 * (rows / ops.panelWidth())];
            panelSharedKeys = new int[2 * (rows / ops.panelWidth())];
        }
        if (rowFirstKey.length < rows) {
            rowFirstKey = new int[rows];
            rowEndKey = new int[rows];
        }
        if (spec.hasAlibi()) {
            rowSlope = atLeast(rowSlope, rows);
            rowPosition = atLeast(rowPosition, rows);
        }
        if (spec.blockSparse() != null && activeKeyBlocks.length < spec.blockSparse().keyBlocks()) {
            activeKeyBlocks = new boolean[spec.blockSparse().keyBlocks()];
        }
        packed.prepare(spec, ops, cacheBytes);
        setLaneOffsets(denseLanes, spec.headDim());
        setLaneOffsets(denseValueLanes, spec.valueHeadDim());
    }

    /**
     * Floats per row of {@code valueRows}, which holds value rows (Dv) before a transpose or in the
     * row-by-row path, a panel of query rows (D) being packed, and a panel of output rows (Dv).
     */
    private static int rowBufferDim(AttentionSpec spec) {
        return Math.max(spec.headDim(), spec.valueHeadDim());
    }

    /** Bytes one workspace needs for {@code spec} on {@code ops} (what {@link #prepare} allocates). */
    public static long bytesFor(AttentionSpec spec, TileOps ops) {
        long rows = TilePlan.paddedRows(spec, ops);
        long valueDim = TilePlan.paddedValueDim(spec, ops);
        long keyBlock = ops.keyBlock();
        // queriesT + queryRows, keys (+ their int8 scales), valueRows, valuesT, scoresT + rowScores, accT, five
        // per-row arrays, and per panel of rows 8 ints of key ranges: panelKeys, panelSharedKeys (2 each),
        // halfKeys (4).
        long floats = spec.headDim() * (rows + TilePlan.ROW_BY_ROW_MAX_ROWS) + keyBlock * (spec.headDim() + 1)
                + keyBlock * rowBufferDim(spec) + keyBlock * valueDim + keyBlock * (rows + TilePlan.ROW_BY_ROW_MAX_ROWS)
                + rows * valueDim + 5 * rows + (spec.hasAlibi() ? 2 * rows : 0) + 8 * rows / ops.panelWidth();
        long layoutBytes = spec.blockSparse() == null ? 0 : spec.blockSparse().keyBlocks();
        long cacheBytes = (long) TilePlan.packSlots(spec, ops)
                * ((TilePlan.slotKeyFloats(spec, ops) + TilePlan.slotValueFloats(spec, ops)) * Float.BYTES + 16);
        return floats * Float.BYTES + layoutBytes + cacheBytes;
    }

    /** Bytes currently held. */
    public long bytes() {
        return (long) Float.BYTES * (queriesT.length + queryRows.length + keys.length + rowScales.length + valueRows.length
                + valuesT.length + scoresT.length + rowScores.length + accT.length + rowMax.length + rowSum.length + alpha.length
                + rowSlope.length + rowPosition.length + panelKeys.length + halfKeys.length + panelSharedKeys.length + rowFirstKey.length
                + rowEndKey.length) + packed.bytes() + activeKeyBlocks.length;
    }

    private static float[] atLeast(float[] buffer, int size) {
        return buffer.length >= size ? buffer : new float[size];
    }
}
