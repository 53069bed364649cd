package org.attention4j.kernel;

import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.attention4j.AttentionCancelledException;
import org.attention4j.AttentionSpec;
import org.attention4j.BlockSparseLayout;
import org.attention4j.ElementType;
import org.attention4j.Tensor;

/**
 * The tiled forward driver: one work item (batch, kv head, query block) at a time, with the online
 * softmax of FlashAttention — Dao et al., arXiv 2205.14135; FlashAttention-2, arXiv 2307.08691; online
 * normalizer, Milakov &amp; Gimelshein, arXiv 1805.02867.
 *
 * <p>For each item: pack its query rows (panel-major, see {@link TileOps}) pre-scaled by
 * {@code scale·log2 e} (so every exponential is a cheap exp2), then for each key/value block: pack the
 * keys and the transposed values (cached per head and call within {@link TilePlan#PACK_CACHE_BYTES}),
 * {@code S = Q·Kᵀ}, mask the blocks that cross an edge of the visible band, online-softmax
 * update, {@code accᵀ = accᵀ·diag(alpha) + Vᵀ·Pᵀ}. Finally
 * {@code O = acc / l} and {@code LSE = (m + log2 l)·ln 2}. Scores live only in the
 * {@code KEY_BLOCK × rows} tile; nothing is n × n.
 *
 * <p>Causal and sliding windows: key blocks outside the item's band (after its last row's last visible
 * key, before its first row's first visible key) are never visited, blocks wholly visible to every row
 * run unmasked, only blocks crossing an edge of the band pay for the mask. Block-sparse layouts visit
 * only their active blocks; a call's masks skip the tiles they hide entirely ({@link ScoreMasks}).
 *
 * <p>Items of a few rows (decode: one query per head of a group; {@link TilePlan#rowByRow}) skip the
 * packing: their scores and value products run row by row on keys and values read where they lie, with
 * the same score edits and online softmax on a one-panel score tile.
 */
public final class FlashAttention {
    private static final double LOG2_E = ForwardCall.LOG2_E;
    private static final double LN2 = Math.log(2.0);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** A deadline that never passes. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    private FlashAttention() {}

    /**
     * Computes work item {@code index} of the call ({@link TilePlan#itemCount}): writes its rows of
     * {@code out} (and {@code lse}), or for a part of a row group split over its keys its partial result.
     * The call's arguments must have been validated. {@code headReused}: more items of this head will run
     * on this workspace, so caching its packed key/value blocks pays off. {@code job}: the job whose
     * failure or cancellation stops this item, or null.
     */
    static void runItem(ForwardCall call, Workspace ws, int index, boolean headReused, ForwardJob job) {
        AttentionSpec spec = call.spec;
        WorkItem item = ws.item.locate(call, index);
        if (call.byRow) {
            readQueryRows(call, item, ws);
        } else {
            packQueries(call, item, ws);
        }
        // The online softmax's state per row: running max m = −∞, sum l = 0, accumulators acc = 0.
        Arrays.fill(ws.rowMax, 0, item.paddedRows, Float.NEGATIVE_INFINITY);
        Arrays.fill(ws.rowSum, 0, item.paddedRows, 0f);
        Arrays.fill(ws.accT, 0, item.paddedRows * call.paddedValueDim, 0f);
        BlockSparseLayout layout = spec.blockSparse();
        if (layout != null) {
            ScoreMasks.markActiveKeyBlocks(spec, item, ws);
        }
        if (spec.windowLeft() >= 0 || spec.windowRight() >= 0) {
            prepareRowBands(spec, item, ws);
        }
        if (spec.hasAlibi()) {
            ScoreMasks.prepareAlibi(spec, item, ws);
        }
        // A left window skips the blocks wholly before the first row's band (item.keyStart), a
        // block-sparse layout its inactive blocks.
        for (int firstKey = next(layout, ws, item.keyStart); firstKey < item.keyEnd;
             firstKey = next(layout, ws, firstKey + call.keyBlock)) {
            checkStop(call.deadline, job);
            int keyCount = Math.min(call.keyBlock, item.keyEnd - firstKey);
            if (call.mask != null && ScoreMasks.hidesTile(call, item, firstKey, keyCount)) {
                continue;
            }
            // Only blocks crossing an edge of the rows' visible band need a mask, and per panel of rows
            // only the keys some row sees.
            boolean edge = firstKey + keyCount - 1 > spec.lastVisibleKey(item.firstQuery)
                    || firstKey < spec.firstVisibleKey(item.lastQuery());
            int[] panelKeys = edge ? panelKeyRanges(call, item, ws, firstKey, keyCount) : null;
            if (call.byRow) {
                rowBlock(call, item, ws, firstKey, keyCount, panelKeys);
            } else {
                tileBlock(call, item, ws, firstKey, keyCount, panelKeys, headReused);
            }
        }
        if (call.splits > 1) {
            SplitPartials.store(spec, call.ops, ws, item.rows, call.byRow, call.partials, index);
        } else if (call.byRow) {
            writeQueryRows(call, item, ws);
        } else {
            writeRows(call, item, ws);
        }
    }

    /**
     * The tiled path, one key block: {@code S = Q·Kᵀ}, the score edits, the online softmax
     * ({@code m' = max(m, rowmax S)}, {@code P = 2^(S − m')}, {@code l' = l·2^(m − m') + rowsum P}) and
     * {@code accᵀ = accᵀ·diag(2^(m − m')) + Vᵀ·Pᵀ}, one panel of rows at a time. {@code panelKeys}: on an
     * edge of the band, each panel's visible keys ({@link #panelKeyRanges}), else null.
     */
    private static void tileBlock(ForwardCall call, WorkItem item, Workspace ws, int firstKey, int keyCount,
                                  int[] panelKeys, boolean headReused) {
        TileOps ops = call.ops;
        int slot = packedSlot(call, item, ws, firstKey, keyCount, headReused);
        PackedBlocks packed = ws.packed;
        float[] keys = slot < 0 ? ws.keys : packed.keys, valuesT = slot < 0 ? ws.valuesT : packed.valuesT;
        int keyFirst = slot < 0 ? 0 : packed.keyFirst(slot), valuesFirst = slot < 0 ? 0 : packed.valueFirst(slot);
        int keyRows = TilePlan.roundUp(keyCount, ops.tileRows());
        int headDim = call.spec.headDim();
        int[] halfKeys = panelKeys != null ? ws.halfKeys : null;
        // One panel of rows at a time, scores to value product: the panel's scores (KEY_BLOCK × W floats,
        // 24 KiB) stay in L1 from Q·Kᵀ through the softmax to P·V, where the whole tile (196 KiB) went
        // through L2 four times. Key and value blocks are read once per panel either way. The call's
        // masks edit whole tiles: with them, all panels at once.
        int slab = call.wholeTileMasks ? item.paddedRows : call.width;
        for (int rowFrom = 0; rowFrom < item.paddedRows; rowFrom += slab) {
            int rowTo = Math.min(item.paddedRows, rowFrom + slab);
            ops.scoresTransposed(keys, keyFirst, headDim, keyRows, headDim, ws.queriesT, rowFrom, rowTo, ws.scoresT,
                    halfKeys);
            editScores(call, item, ws, rowFrom, rowTo, firstKey, keyCount, panelKeys);
            ops.softmaxUpdate(ws.scoresT, keyCount, rowFrom, rowTo, ws.rowMax, ws.rowSum, ws.alpha, panelKeys);
            ops.accumulateValues(ws.scoresT, keyCount, rowFrom, rowTo, ws.alpha, valuesT, valuesFirst,
                    call.paddedValueDim, ws.accT, halfKeys);
        }
    }

    /**
     * The packed key/value block at {@code firstKey}: its slot in the workspace's cache (packed now unless
     * it holds it already), or −1 when it was packed into the scratch buffers {@code ws.keys} and
     * {@code ws.valuesT}. A thread's own items cache the blocks of their head; an item stolen from another
     * thread uses the blocks the cache already holds and packs the others into scratch, leaving the cache
     * to the head it serves.
     */
    private static int packedSlot(ForwardCall call, WorkItem item, Workspace ws, int firstKey, int keyCount,
                                  boolean headReused) {
        PackedBlocks packed = ws.packed;
        int block = firstKey / call.keyBlock;
        int slot = packed.slotOf(block);
        boolean hit = slot >= 0 && packed.holds(slot, call.id, item.head, block);
        if (hit) {
            return slot;
        }
        if (slot >= 0 && headReused) { // the whole block: a later item may see more of its keys than this one
            int blockKeys = Math.min(call.keyBlock, call.spec.keyLength() - firstKey);
            packBlock(call, item, ws, firstKey, blockKeys, packed.keys, packed.keyFirst(slot), packed.valuesT,
                    packed.valueFirst(slot));
            packed.tag(slot, call.id, item.head, block);
            return slot;
        }
        packBlock(call, item, ws, firstKey, keyCount, ws.keys, 0, ws.valuesT, 0);
        return -1;
    }

    /**
     * The row-by-row path (decode), one key block: the scores of each query row along the block's keys,
     * read where they lie, the online softmax along each row, and the value product. Score edits are
     * written for the tiles' panel layout: with any (soft-cap, ALiBi, masks, a band's edge) the scores go
     * there and back, a few hundred floats per block.
     */
    private static void rowBlock(ForwardCall call, WorkItem item, Workspace ws, int firstKey, int keyCount,
                                 int[] panelKeys) {
        TileOps ops = call.ops;
        scoreRows(call, item, ws, firstKey, keyCount);
        boolean edits = call.softcap > 0 || call.spec.hasAlibi() || panelKeys != null || call.wholeTileMasks;
        if (!edits) { // the usual decode step: the softmax along each row's keys
            ops.softmaxRows(ws.rowScores, item.rows, 0, keyCount, ws.rowMax, ws.rowSum, ws.alpha);
            accumulateValueRows(call, item, ws, firstKey, keyCount, null);
            return;
        }
        // The rows fit one panel (TilePlan.rowByRow): paddedRows is one panel.
        rowsToPanel(ws.rowScores, item.rows, keyCount, ops, ws.scoresT);
        editScores(call, item, ws, 0, item.paddedRows, firstKey, keyCount, panelKeys);
        ops.softmaxUpdate(ws.scoresT, keyCount, 0, item.paddedRows, ws.rowMax, ws.rowSum, ws.alpha, panelKeys);
        panelToRows(ws.scoresT, item.rows, keyCount, ops, ws.rowScores);
        accumulateValueRows(call, item, ws, firstKey, keyCount, panelKeys);
    }

    /**
     * The score edits on rows {@code [rowFrom, rowTo)} of {@code ws.scoresT}, in the documented order:
     * soft-cap ({@code S = c·tanh(S/c)}), ALiBi ({@code S −= slope·|i − j|}), then everything that hides
     * pairs (the band's edge, the block-sparse layout per head, the call's mask).
     */
    private static void editScores(ForwardCall call, WorkItem item, Workspace ws, int rowFrom, int rowTo,
                                   int firstKey, int keyCount, int[] panelKeys) {
        TileOps ops = call.ops;
        if (call.softcap > 0) {
            ops.softcap(ws.scoresT, keyCount, rowFrom, rowTo, call.softcap);
        }
        if (call.spec.hasAlibi()) {
            ops.addDistanceBias(ws.scoresT, keyCount, rowFrom, rowTo, firstKey, ws.rowSlope, ws.rowPosition);
        }
        if (panelKeys != null) {
            ops.maskOutsideRowBands(ws.scoresT, rowFrom, rowTo, firstKey, ws.rowFirstKey, ws.rowEndKey, panelKeys,
                    ws.panelSharedKeys);
        }
        if (call.wholeTileMasks) { // the rows are the whole tile: once
            if (call.layoutPerHead) {
                ScoreMasks.hideRowsOutsideLayout(call, item, ws, firstKey, keyCount);
            }
            if (call.mask != null) {
                ScoreMasks.apply(call, item, ws, firstKey, keyCount);
            }
        }
    }

    /** The next loop block at or after {@code from}: itself when dense, the next active one under a layout. */
    private static int next(BlockSparseLayout layout, Workspace ws, int from) {
        return layout == null ? from : ScoreMasks.nextActiveKey(layout, ws, from);
    }

    /**
     * Between key blocks (~0.1 ms of work): stop when another participant failed or the call was
     * cancelled, when this thread is interrupted, or when the deadline passed. Allocates only to throw.
     */
    static void checkStop(long deadline, ForwardJob job) {
        if (job != null && job.stopped()) {
            throw new AttentionCancelledException(AttentionCancelledException.Reason.INTERRUPTED,
                    "stopped: another thread of this call failed or the call was cancelled");
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new AttentionCancelledException(AttentionCancelledException.Reason.INTERRUPTED,
                    "interrupted during the call");
        }
        if (deadline != NO_DEADLINE && System.nanoTime() - deadline > 0) {
            throw new AttentionCancelledException(AttentionCancelledException.Reason.DEADLINE,
                    "the deadline passed during the call");
        }
    }

    /**
     * Row by row ({@link TilePlan#rowByRow}): {@code queryRows[r·headDim + d] = Q[b, firstQuery + r % queries,
     * head(r), d] · scale · log2 e}, the rows one after the other.
     */
    private static void readQueryRows(ForwardCall call, WorkItem item, Workspace ws) {
        AttentionSpec spec = call.spec;
        int headDim = spec.headDim();
        float factor = (float) (spec.scale() * LOG2_E);
        for (int r = 0; r < item.rows; r++) {
            Rows.read(call.q, item.b, item.queryPosition(r), item.queryHead(spec, r), ws.queryRows, r * headDim,
                    headDim);
        }
        for (int i = 0; i < item.rows * headDim; i++) {
            ws.queryRows[i] *= factor;
        }
    }

    /**
     * Row by row: the scores of the item's rows against keys {@code [firstKey, firstKey + keyCount)}, read
     * in place from a {@code float[]} (each key once per call), else copied (or widened) first.
     */
    private static void scoreRows(ForwardCall call, WorkItem item, Workspace ws, int firstKey, int keyCount) {
        TileOps ops = call.ops;
        AttentionSpec spec = call.spec;
        Tensor k = call.k, v = call.v;
        int headDim = spec.headDim(), b = item.b, kvHead = item.kvHead, rows = item.rows;
        if (readsInPlace(k)) {
            // The block's value rows, read in place too, are touched while its keys are scored: decode
            // streams both from memory, and the value product found its rows still missing
            // (docs/KV_CACHE.md, "Decode speed"). Copied or widened rows are not: it did not help them.
            RowsAhead ahead = readsInPlace(v) ? ws.rowsAhead.aim(v.array(), v.arrayIndex(b, firstKey, kvHead),
                    (int) v.seqStride(), spec.valueHeadDim()) : null;
            ws.touched += ops.scoreRows(ws.queryRows, rows, headDim, k.array(), k.arrayIndex(b, firstKey, kvHead),
                    (int) k.seqStride(), keyCount, ws.rowScores, ahead);
        } else if (NarrowRows.readable(k)) {
            // Narrow keys are widened in registers as they are used, and narrow value rows touched the
            // same way: widening a block into float32 first ran at a third of the read bandwidth.
            RowsAhead ahead = NarrowRows.readable(v) && v.type() != ElementType.INT8
                    ? ws.rowsAhead.aim(ws.narrowValues.aim(v, b, firstKey, kvHead), spec.valueHeadDim()) : null;
            ws.touched += ops.scoreNarrowRows(ws.queryRows, rows, headDim, ws.narrowKeys.aim(k, b, firstKey, kvHead),
                    keyCount, ws.rowScores, ahead);
        } else {
            copyRows(ops, k, b, kvHead, firstKey, keyCount, headDim, ws.keys, 0, ws);
            ops.scoreRows(ws.queryRows, rows, headDim, ws.keys, 0, headDim, keyCount, ws.rowScores, null);
        }
    }

    /** Row by row, for the score edits: {@code panel(r, c) = rows[r·KB + c]} in the first panel's layout. */
    private static void rowsToPanel(float[] rowScores, int rows, int keyCount, TileOps ops, float[] panel) {
        int keyBlock = ops.keyBlock(), width = ops.panelWidth();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < keyCount; c++) {
                panel[TilePlan.panelIndex(r, c, keyBlock, width)] = rowScores[r * keyBlock + c];
            }
        }
    }

    /** The inverse of {@link #rowsToPanel}, for the value product of the edited probabilities. */
    private static void panelToRows(float[] panel, int rows, int keyCount, TileOps ops, float[] rowScores) {
        int keyBlock = ops.keyBlock(), width = ops.panelWidth();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < keyCount; c++) {
                rowScores[r * keyBlock + c] = panel[TilePlan.panelIndex(r, c, keyBlock, width)];
            }
        }
    }

    /**
     * Row by row: the value product of {@link #scoreRows}, on row-major accumulators in {@code ws.accT}
     * ({@code valueHeadDim} floats per row).
     */
    private static void accumulateValueRows(ForwardCall call, WorkItem item, Workspace ws, int firstKey, int keyCount,
                                            int[] panelKeys) {
        TileOps ops = call.ops;
        Tensor v = call.v;
        int valueDim = call.spec.valueHeadDim(), b = item.b, kvHead = item.kvHead, rows = item.rows;
        int from = panelKeys == null ? 0 : panelKeys[0], to = panelKeys == null ? keyCount : panelKeys[1];
        if (readsInPlace(v)) {
            ops.accumulateValueRows(ws.rowScores, rows, from, to, ws.alpha, v.array(), v.arrayIndex(b, firstKey, kvHead),
                    (int) v.seqStride(), valueDim, ws.accT);
        } else if (NarrowRows.readable(v)) {
            ops.accumulateNarrowValueRows(ws.rowScores, rows, from, to, ws.alpha, ws.narrowValues.aim(v, b, firstKey, kvHead),
                    valueDim, ws.accT);
        } else {
            copyRows(ops, v, b, kvHead, firstKey, keyCount, valueDim, ws.valueRows, 0, ws);
            ops.accumulateValueRows(ws.rowScores, rows, from, to, ws.alpha, ws.valueRows, 0, valueDim, valueDim, ws.accT);
        }
    }

    /**
     * {@code queriesT(r, d) = Q[b, firstQuery + r % queries, head(r), d] · scale · log2 e}, panel-major,
     * one panel at a time. A full panel of one head in a {@code float[]} is gathered straight from the
     * caller's array (copying its rows first cost a stalled copy per row plus a pass over the copy);
     * any other panel is copied row by row, padded with zero rows (they score 0, never written out).
     */
    private static void packQueries(ForwardCall call, WorkItem item, Workspace ws) {
        TileOps ops = call.ops;
        AttentionSpec spec = call.spec;
        Tensor q = call.q;
        int b = item.b, kvHead = item.kvHead, firstQuery = item.firstQuery, queries = item.queries;
        int headDim = spec.headDim(), width = call.width, rows = item.rows, paddedRows = item.paddedRows;
        float factor = (float) (spec.scale() * LOG2_E);
        float[] qT = ws.queriesT, panel = ws.valueRows;
        boolean direct = readsInPlace(q);
        // The rows are 2 KiB apart in BSHD inputs and come from L3 or memory: loading them first, with
        // independent loads, overlaps their misses (the gathers below wait on 16 rows at a time).
        for (int g = 0; g < spec.groupSize(); g++) {
            ws.touched += Rows.touch(q, b, firstQuery, queries, kvHead * spec.groupSize() + g, headDim);
        }
        if (direct) {
            ws.setLaneOffsets(ws.sourceLanes, (int) q.seqStride());
        }
        for (int first = 0; first < paddedRows; first += width) {
            int real = Math.max(0, Math.min(width, rows - first));
            int head = kvHead * spec.groupSize() + first / queries;
            if (direct && real == width && (first + width - 1) / queries == first / queries) {
                ops.packQueryPanel(q.array(), q.arrayIndex(b, firstQuery + first % queries, head), (int) q.seqStride(),
                        ws.sourceLanes, headDim, factor, qT, first * headDim);
                continue;
            }
            for (int j = 0; j < real; j++) {
                int r = first + j;
                Rows.read(q, b, firstQuery + r % queries, kvHead * spec.groupSize() + r / queries, panel, j * headDim,
                        headDim);
            }
            Arrays.fill(panel, real * headDim, width * headDim, 0f);
            ops.packQueryPanel(panel, 0, headDim, ws.denseLanes, headDim, factor, qT, first * headDim);
        }
    }

    /**
     * Whether the kernels may read rows of {@code t} straight from its {@code float[]}: it has one and
     * its rows are a positive stride apart that gather offsets (16 lanes) can hold in an int.
     */
    private static boolean readsInPlace(Tensor t) {
        return t.array() != null && t.seqStride() > 0 && t.seqStride() <= Integer.MAX_VALUE / 16;
    }

    /**
     * Packs one key/value block: its keys row after row from {@code keyFirst} (zero rows up to a whole
     * micro-tile) and its values transposed from {@code valuesFirst}. Each item then reads contiguous
     * memory instead of rows that lie H·D floats apart in BSHD inputs (a memory round trip per row: the
     * prefetchers stop at page boundaries).
     */
    private static void packBlock(ForwardCall call, WorkItem item, Workspace ws, int firstKey, int keyCount,
                                  float[] keys, int keyFirst, float[] valuesT, int valuesFirst) {
        TileOps ops = call.ops;
        int headDim = call.spec.headDim();
        int keyRows = TilePlan.roundUp(keyCount, ops.tileRows());
        copyRows(ops, call.k, item.b, item.kvHead, firstKey, keyCount, headDim, keys, keyFirst, ws);
        Arrays.fill(keys, keyFirst + keyCount * headDim, keyFirst + keyRows * headDim, 0f);
        transposeValues(ops, call.v, item.b, item.kvHead, firstKey, keyCount, call.spec.valueHeadDim(), ws, valuesT,
                valuesFirst);
    }

    /**
     * Copies {@code count} rows of {@code headDim} floats into {@code dst} from {@code at}, contiguously:
     * from a {@code float[]} through {@link TileOps#copyRows} (many rows in flight), keys and values of
     * the smaller types widened ({@link TileOps#widenRows}, several rows in flight), else row by row.
     */
    private static void copyRows(TileOps ops, Tensor t, int b, int head, int first, int count, int headDim, float[] dst,
                                 int at, Workspace ws) {
        if (readsInPlace(t)) {
            ops.copyRows(t.array(), t.arrayIndex(b, first, head), (int) t.seqStride(), count, headDim, dst, at);
            return;
        }
        if (t.type() != ElementType.FLOAT32) {
            if (t.type() == ElementType.INT8) {
                for (int c = 0; c < count; c++) {
                    ws.rowScales[c] = Widening.rowScale(t, b, first + c, head);
                }
            }
            ops.widenRows(t.type(), t.segment(), t.heapBase(), t.byteOffset(b, first, head),
                    t.seqStride() * t.type().byteSize(), count, headDim, ws.rowScales, 0, dst, at);
            return;
        }
        for (int c = 0; c < count; c++) {
            Rows.read(t, b, first + c, head, dst, at + c * headDim, headDim);
        }
    }

    /**
     * {@code valuesT[at + d·KEY_BLOCK + c] = V[b, firstKey + c, kvHead, d]} for {@code d < valueDim}: one
     * value block transposed.
     * Kernels that transpose whole rows as vectors ({@link TileOps#transposesRowsInPlace}) read a
     * {@code float[]} where it lies; otherwise the rows are first copied contiguously, then transposed
     * inside L1: reading the source directly stalled on every row (a scalar loop took 20 % of the run,
     * vector gathers from a {@code float[]} made a decode call 20–28 % slower and a windowed one 4 %).
     */
    private static void transposeValues(TileOps ops, Tensor v, int b, int kvHead, int firstKey, int keyCount,
                                        int valueDim, Workspace ws, float[] valuesT, int at) {
        if (ops.transposesRowsInPlace() && readsInPlace(v)) {
            ws.setLaneOffsets(ws.valueLanes, (int) v.seqStride());
            ops.transposeValueBlock(v.array(), v.arrayIndex(b, firstKey, kvHead), (int) v.seqStride(), ws.valueLanes,
                    keyCount, valueDim, valuesT, at);
            return;
        }
        copyRows(ops, v, b, kvHead, firstKey, keyCount, valueDim, ws.valueRows, 0, ws);
        ops.transposeValueBlock(ws.valueRows, 0, valueDim, ws.denseValueLanes, keyCount, valueDim, valuesT, at);
    }

    /**
     * Each tile row's visible keys {@code [rowFirstKey[r], rowEndKey[r])} (clamped to the keys; empty for
     * padding rows), once per item: the edge blocks then need no per-row calls into the spec.
     */
    private static void prepareRowBands(AttentionSpec spec, WorkItem item, Workspace ws) {
        long keys = spec.keyLength();
        for (int r = 0; r < item.paddedRows; r++) {
            int first = 0, end = 0;
            if (r < item.rows) {
                long query = item.queryPosition(r);
                first = (int) Math.min(keys, spec.firstVisibleKey(query));
                end = (int) Math.clamp(spec.lastVisibleKey(query) + 1, first, keys);
            }
            ws.rowFirstKey[r] = first;
            ws.rowEndKey[r] = end;
        }
    }

    /**
     * For a block on an edge of the band, per panel {@code p} of W rows: the block's keys
     * {@code [from, to)} that any of its rows may see, in {@code ws.panelKeys[2p ..]} (empty: from = to = 0;
     * the products, the softmax and the masks skip the rest: on a 512-key window about a quarter of the
     * computed scores were such waste), the same for each half of the panel in {@code ws.halfKeys[4p ..]}
     * (the products run one vector wide where only one half sees a key: a 32-row panel's union of bands
     * is 543 keys for 512 useful, the halves cut that waste by half), and the keys every one of its rows
     * sees, in {@code ws.panelSharedKeys[2p ..]} (only the keys outside those need a mask).
     */
    private static int[] panelKeyRanges(ForwardCall call, WorkItem item, Workspace ws, int firstKey, int keyCount) {
        int width = call.width, half = width / 2, rows = item.rows, paddedRows = item.paddedRows;
        int[] ranges = ws.panelKeys, halves = ws.halfKeys, shared = ws.panelSharedKeys;
        for (int p = 0; p * width < paddedRows; p++) {
            int panelFrom = keyCount, panelTo = 0, sharedFrom = 0, sharedTo = keyCount;
            for (int h = 0; h < 2; h++) {
                int from = keyCount, to = 0;
                for (int r = p * width + h * half; r < Math.min(rows, p * width + (h + 1) * half); r++) {
                    int first = Math.clamp(ws.rowFirstKey[r] - firstKey, 0, keyCount);
                    int end = Math.clamp(ws.rowEndKey[r] - firstKey, first, keyCount);
                    if (end > first) {
                        from = Math.min(from, first);
                        to = Math.max(to, end);
                    }
                    sharedFrom = Math.max(sharedFrom, first);
                    sharedTo = Math.min(sharedTo, end);
                }
                halves[4 * p + 2 * h] = to > from ? from : 0;
                halves[4 * p + 2 * h + 1] = to > from ? to : 0;
                panelFrom = Math.min(panelFrom, from);
                panelTo = Math.max(panelTo, to);
            }
            ranges[2 * p] = panelTo > panelFrom ? panelFrom : 0;
            ranges[2 * p + 1] = panelTo > panelFrom ? panelTo : 0;
            shared[2 * p] = sharedFrom;
            shared[2 * p + 1] = Math.max(sharedFrom, sharedTo);
        }
        return ranges;
    }

    /** Row by row: {@link #writeRows} from row-major accumulators. */
    private static void writeQueryRows(ForwardCall call, WorkItem item, Workspace ws) {
        AttentionSpec spec = call.spec;
        Tensor out = call.out, lse = call.lse;
        int valueDim = spec.valueHeadDim(), b = item.b, kvHead = item.kvHead, firstQuery = item.firstQuery;
        int queries = item.queries;
        for (int r = 0; r < item.rows; r++) {
            float sum = ws.rowSum[r];
            float inverse = sum > 0f ? 1f / sum : 0f;
            for (int i = r * valueDim; i < (r + 1) * valueDim; i++) {
                ws.accT[i] *= inverse;
            }
            int head = kvHead * spec.groupSize() + r / queries;
            Rows.write(ws.accT, r * valueDim, valueDim, out, b, firstQuery + r % queries, head);
            if (lse != null) {
                lse.segment().setAtIndex(FLOAT, lse.index(b, firstQuery + r % queries, head), logSumExp(ws, r));
            }
        }
    }

    /** {@code LSE = (m + log2 l)·ln 2} of row {@code r}, −∞ when it saw no key. */
    private static float logSumExp(Workspace ws, int r) {
        return logSumExp(ws.rowMax[r], ws.rowSum[r]);
    }

    /** {@code LSE = (max + log2 sum)·ln 2} from a row's base-2 running max and sum, −∞ when the sum is 0. */
    static float logSumExp(float max, double sum) {
        return sum > 0 ? (float) ((max + Math.log(sum) * LOG2_E) * LN2) : Float.NEGATIVE_INFINITY;
    }

    /**
     * {@code O = acc / l}, {@code LSE = (m + log2 l)·ln 2}; rows that saw no key get O = 0, LSE = −∞. One
     * panel at a time: a panel of one head in a {@code float[]} is written in place, any other through a
     * row buffer.
     */
    private static void writeRows(ForwardCall call, WorkItem item, Workspace ws) {
        TileOps ops = call.ops;
        AttentionSpec spec = call.spec;
        Tensor out = call.out, lse = call.lse;
        int b = item.b, kvHead = item.kvHead, firstQuery = item.firstQuery, queries = item.queries, rows = item.rows;
        int valueDim = spec.valueHeadDim(), paddedDim = call.paddedValueDim;
        int width = call.width;
        float[] panel = ws.valueRows, inverse = ws.alpha; // alpha is free once the last block is done
        boolean direct = readsInPlace(out);
        for (int first = 0; first < rows; first += width) {
            int real = Math.min(width, rows - first);
            for (int j = 0; j < real; j++) {
                float sum = ws.rowSum[first + j];
                inverse[j] = sum > 0f ? 1f / sum : 0f;
            }
            if (direct && (first + real - 1) / queries == first / queries) {
                int head = kvHead * spec.groupSize() + first / queries;
                ops.unpackOutputPanel(ws.accT, first * paddedDim, real, valueDim, inverse, out.array(),
                        out.arrayIndex(b, firstQuery + first % queries, head), (int) out.seqStride());
            } else {
                ops.unpackOutputPanel(ws.accT, first * paddedDim, real, valueDim, inverse, panel, 0, valueDim);
                for (int j = 0; j < real; j++) {
                    int r = first + j;
                    Rows.write(panel, j * valueDim, valueDim, out, b, firstQuery + r % queries,
                            kvHead * spec.groupSize() + r / queries);
                }
            }
            if (lse != null) {
                for (int r = first; r < first + real; r++) {
                    lse.segment().setAtIndex(FLOAT, lse.index(b, firstQuery + r % queries,
                            kvHead * spec.groupSize() + r / queries), logSumExp(ws, r));
                }
            }
        }
    }
}
