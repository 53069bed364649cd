package org.attention4j.kernel;

import org.attention4j.AttentionMask;
import org.attention4j.AttentionSpec;
import org.attention4j.BlockSparseLayout;
import org.attention4j.Tensor;

/**
 * One forward call as the driver sees it: what was asked (spec, tensors, mask, deadline) and the tile
 * plan, computed once per call. Every work item of the call reads it; nothing writes it during the call.
 *
 * <p>It lives in a pooled {@link ForwardJob} (a multi-thread call) or in the workspace of a single-thread
 * call ({@link Workspace#soloCall}), so that a call allocates nothing: {@link #arm} fills it when the call
 * starts, {@link #clear} drops the caller's references when it ends.
 */
final class ForwardCall {
    /** log2(e): the tiles work in base 2 ({@code exp(x) = 2^(x·log2 e)}). */
    static final double LOG2_E = 1.0 / Math.log(2.0);

    TileOps ops;
    AttentionSpec spec;
    /** The caller's mask, or null. */
    AttentionMask mask;
    Tensor q, k, v, out;
    /** The log-sum-exp output, or null. */
    Tensor lse;
    /** Where the parts of row groups split over their keys go ({@link SplitPartials}), or null. */
    float[] partials;
    /** Unique per call: tells a workspace whether the blocks it packed belong to this call. */
    long id;
    /** {@link System#nanoTime} after which the call stops, or {@link FlashAttention#NO_DEADLINE}. */
    long deadline;

    // The plan (TilePlan), the same for every item of the call.
    int items;
    /** Parts each row group's keys are split into (flash-decoding); 1 when not split. */
    int splits;
    int keyBlock;
    int queryBlock;
    /** Rows of a panel (W): the tiles' unit of rows. */
    int width;
    /** The accumulators' depth: Dv rounded up to the kernels' vectors. */
    int paddedValueDim;
    /** Few query rows per item (decode): the row-by-row path instead of tiles. */
    boolean byRow;
    /** The soft-cap in the tiles' base-2 units, 0 when off. */
    float softcap;
    /** A block-sparse layout that differs between the query heads sharing a kv head. */
    boolean layoutPerHead;
    /** Masks that edit whole tiles ({@link #mask}, per-head layouts): the item's panels run together. */
    boolean wholeTileMasks;

    ForwardCall arm(TileOps ops, AttentionSpec spec, AttentionMask mask, Tensor q, Tensor k, Tensor v, Tensor out,
                    Tensor lse, float[] partials, long id, long deadline) {
        this.ops = ops;
        this.spec = spec;
        this.mask = mask;
        this.q = q;
        this.k = k;
        this.v = v;
        this.out = out;
        this.lse = lse;
        this.partials = partials;
        this.id = id;
        this.deadline = deadline;
        items = TilePlan.itemCount(spec, ops);
        splits = TilePlan.keySplits(spec, ops);
        if (splits > 1 && partials == null) {
            throw new IllegalArgumentException("partials = null: a call split over its keys needs an array of "
                    + "SplitPartials.floats(spec, ops) = " + SplitPartials.floats(spec, ops) + " floats");
        }
        keyBlock = TilePlan.keyBlock(spec, ops);
        queryBlock = TilePlan.queryBlock(spec, ops);
        width = ops.panelWidth();
        paddedValueDim = TilePlan.paddedValueDim(spec, ops);
        byRow = TilePlan.rowByRow(spec, ops);
        softcap = (float) (spec.softcap() * LOG2_E);
        BlockSparseLayout layout = spec.blockSparse();
        layoutPerHead = layout != null && layout.heads() > 1 && spec.groupSize() > 1;
        wholeTileMasks = mask != null || layoutPerHead;
        return this;
    }

    /** Drops the caller's references, so a pooled call keeps no tensors alive. */
    void clear() {
        spec = null;
        mask = null;
        q = k = v = out = lse = null;
        partials = null;
    }
}
