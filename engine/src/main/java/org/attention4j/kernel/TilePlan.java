package org.attention4j.kernel;

import org.attention4j.AttentionSpec;

/**
 * Tile sizes and the work split for one spec on one {@link TileOps}. Pure functions of
 * (spec, ops): every thread derives the same plan, so a row's arithmetic never depends on how the
 * work was split.
 *
 * <p>A row group is (batch, kv head, query block). Its rows are the query block's positions for every
 * query head of the kv head's group (GQA/MQA), so each key/value block is packed once and used by the
 * whole group. A work item is a row group, or one part of its keys when the call has few row groups
 * ({@link #keySplits}).
 */
public final class TilePlan {
    /**
     * Keys per block unless a {@link TileOps} says otherwise ({@link TileOps#keyBlock}): a multiple of
     * every micro-tile's rows (6 and 8) that keeps the score tile (keyBlock × rows floats) in L2.
     * Measured against 48 in docs/PERFORMANCE.md.
     */
    public static final int KEY_BLOCK = 96;

    /**
     * Upper bound on the floats in one item's query tile (rows × paddedDim): 128 KiB. Larger items read
     * each key/value block for more query rows: at 16 Ki floats copying K and V took 20–30 % of the time
     * (they stream from L3 or memory), at 32 Ki about 15 %. The item's tiles still fit L2.
     */
    private static final int ROW_TILE_FLOATS = 32 * 1024;
    private static final int MAX_ROWS = 256;
    private static final int MIN_ROWS = 32;
    /** Fewest rows per item under a sliding window: below this the per-item costs dominate. */
    private static final int BAND_MIN_ROWS = 64;

    /**
     * Largest per-thread cache of packed key/value blocks (32 MiB: a whole head of 65 536 keys at D = 64,
     * 32 768 at D = 128). Within it each key block is copied once per call, head and thread instead of
     * once per work item; memory stays independent of the sequence length.
     */
    public static final long PACK_CACHE_BYTES = 32L << 20;

    private TilePlan() {}

    /**
     * Keys per block of the key loop (and of the packed values): {@link TileOps#keyBlock}, or under a
     * block-sparse layout the largest divisor of its block size that is at most that, so every loop
     * block lies inside one layout block and only active layout blocks are visited.
     */
    public static int keyBlock(AttentionSpec spec, TileOps ops) {
        int most = ops.keyBlock();
        return spec.blockSparse() == null ? most : largestDivisorAtMost(spec.blockSparse().blockSize(), most);
    }

    /** Key blocks of the whole key length. */
    public static int keyBlocks(AttentionSpec spec, TileOps ops) {
        int block = keyBlock(spec, ops);
        return (spec.keyLength() + block - 1) / block;
    }

    /** The largest divisor of {@code n} that is at most {@code limit} (1 divides everything). */
    static int largestDivisorAtMost(int n, int limit) {
        for (int d = Math.min(n, limit); d > 1; d--) {
            if (n % d == 0) {
                return d;
            }
        }
        return 1;
    }

    /** Floats of one cached key block: its keys row after row, room for whole micro-tiles. */
    public static int slotKeyFloats(AttentionSpec spec, TileOps ops) {
        return roundUp(keyBlock(spec, ops), ops.tileRows()) * spec.headDim();
    }

    /** Floats of one cached value block: {@code paddedValueDim × keyBlock}, transposed (see {@link TileOps}). */
    public static int slotValueFloats(AttentionSpec spec, TileOps ops) {
        return paddedValueDim(spec, ops) * ops.keyBlock();
    }

    /**
     * Key/value blocks a workspace keeps packed for reuse (block {@code i} in slot {@code i % slots}), or
     * 0 when caching does not pay: a single query block per head (nothing to reuse), or items that visit
     * more blocks than the cache holds (each block would be evicted before its next use). A whole head
     * fits up to {@link #PACK_CACHE_BYTES}; under a sliding window, the blocks an item visits plus two are
     * enough for its neighbours to reuse them, so a band costs one copy per key at any length.
     */
    public static int packSlots(AttentionSpec spec, TileOps ops) {
        return packSlots(spec, ops, PACK_CACHE_BYTES);
    }

    /** {@link #packSlots(AttentionSpec, TileOps)} within {@code cacheBytes} (tests use small caches). */
    static int packSlots(AttentionSpec spec, TileOps ops, long cacheBytes) {
        if (queryBlocks(spec, ops) <= 1) {
            return 0;
        }
        // A band's items run from the last query block down, and the next item's blocks (at most `band`
        // consecutive ones) start at most a query block's worth earlier: with more than `band` slots, block
        // i in slot i mod slots, it never evicts its own blocks, and every block it shares with the item
        // before is still cached (each key is packed once per call, head and thread). Two spare slots,
        // not twice the blocks: a smaller cache leaves L2 to the scores and tiles (2·band + 1 slots, 0.8 MiB
        // at D = 64, ran the band 1.6-3 % slower). Without a band: the whole head or nothing.
        long slotBytes = (long) (slotKeyFloats(spec, ops) + slotValueFloats(spec, ops)) * Float.BYTES;
        long band = itemKeyBlocks(spec, ops);
        long wanted = Math.min(keyBlocks(spec, ops), band + 2);
        int slots = (int) Math.min(wanted, cacheBytes / slotBytes);
        return slots == keyBlocks(spec, ops) || band < slots ? slots : 0;
    }

    /**
     * Most key blocks one item may visit: every block when there is no left window, otherwise the band
     * of a query block (measured at the first, middle and last query block) plus two for misalignment.
     */
    static long itemKeyBlocks(AttentionSpec spec, TileOps ops) {
        if (spec.windowLeft() < 0) {
            return keyBlocks(spec, ops);
        }
        return Math.min(keyBlocks(spec, ops), widestVisibleKeys(spec, ops) / keyBlock(spec, ops) + 2);
    }

    /** Most keys one query block sees, measured at the first, middle and last query block. */
    private static long widestVisibleKeys(AttentionSpec spec, TileOps ops) {
        int block = queryBlock(spec, ops);
        int lastFirst = Math.max(0, spec.queryLength() - block);
        return Math.max(visibleKeys(spec, 0, block),
                Math.max(visibleKeys(spec, lastFirst / 2, block), visibleKeys(spec, lastFirst, block)));
    }

    /** Keys some query of {@code [first, first + count)} may see, first to last (called per call: no allocation). */
    private static long visibleKeys(AttentionSpec spec, long first, int count) {
        long last = Math.min(spec.queryLength() - 1, first + count - 1);
        long from = Math.max(0, spec.firstVisibleKey(first));
        long to = Math.min(spec.keyLength(), spec.lastVisibleKey(last) + 1);
        return Math.max(0, to - from);
    }

    /** Head dim rounded up to whole micro-tiles of the value product. */
    public static int paddedDim(int headDim, TileOps ops) {
        return roundUp(headDim, ops.tileRows());
    }

    /**
     * The value head size rounded up to whole micro-tiles: the depth of the output accumulators
     * {@code accT} and the rows of a transposed value block (the scores' depth is the key head size).
     */
    public static int paddedValueDim(AttentionSpec spec, TileOps ops) {
        return paddedDim(spec.valueHeadDim(), ops);
    }

    /**
     * Index of (row, k) in a panel-major tile of depth {@code depth} and panel width {@code width}: rows
     * are cut into panels of {@code width}; within a panel, the rows for one k are contiguous.
     */
    public static int panelIndex(int row, int k, int depth, int width) {
        return row / width * (depth * width) + k * width + row % width;
    }

    /** Query positions per work item (per head of the group). */
    public static int queryBlock(AttentionSpec spec, TileOps ops) {
        int multiple = ops.panelWidth();
        int maxRows = Math.max(multiple, MAX_ROWS / multiple * multiple);
        // The wider of the query tile (depth D) and the output accumulators (depth Dv) sets the bound.
        int widest = Math.max(paddedDim(spec.headDim(), ops), paddedValueDim(spec, ops));
        int targetRows = Math.clamp(ROW_TILE_FLOATS / widest, MIN_ROWS, maxRows);
        if (spec.windowLeft() >= 0) {
            // A band: an item visits its rows' band plus the rows themselves, and the scores outside the
            // band are computed then masked. Rows ≈ band / 4 keep that waste near 20 % (256 rows against a
            // 512-key band wasted ~40 %), at the cost of less K/V reuse per item.
            int band = spec.windowLeft() + Math.max(0, spec.windowRight());
            targetRows = Math.min(targetRows, Math.max(BAND_MIN_ROWS, band / 4));
        }
        targetRows = Math.max(multiple, targetRows / multiple * multiple); // no padding-only rows
        int block = Math.max(1, targetRows / spec.groupSize());
        if (spec.blockSparse() != null) { // an item's queries lie in one layout row block: one list of key blocks
            block = largestDivisorAtMost(spec.blockSparse().blockSize(), block);
        }
        return Math.max(1, Math.min(block, spec.queryLength()));
    }

    /** Most rows an item may have to take the row-by-row path ({@link #rowByRow}). */
    public static final int ROW_BY_ROW_MAX_ROWS = 8;

    /**
     * Whether items have so few rows (decode: one query per head of a group, at most
     * {@link #ROW_BY_ROW_MAX_ROWS}) that the products run row by row on keys and values read in place:
     * packing them for one use and padding the rows to a panel made decode calls 2.4–2.6× slower. At 16
     * rows the tiled path is faster again (docs/PERFORMANCE.md).
     */
    public static boolean rowByRow(AttentionSpec spec, TileOps ops) {
        return queryBlock(spec, ops) * spec.groupSize() <= Math.min(ROW_BY_ROW_MAX_ROWS, ops.panelWidth());
    }

    public static int queryBlocks(AttentionSpec spec, TileOps ops) {
        int block = queryBlock(spec, ops);
        return (spec.queryLength() + block - 1) / block;
    }

    /** Row groups (batch × kvHeads × query blocks): each is one work item, or {@link #keySplits} of them. */
    public static int rowGroups(AttentionSpec spec, TileOps ops) {
        return spec.batch() * spec.kvHeads() * queryBlocks(spec, ops);
    }

    /** Work items: {@link #rowGroups} × {@link #keySplits}. */
    public static int itemCount(AttentionSpec spec, TileOps ops) {
        return rowGroups(spec, ops) * keySplits(spec, ops);
    }

    /** Row groups that already give this many threads a share each are not split over their keys. */
    static final int SPLIT_TARGET_ITEMS = 16;
    /** Visible keys per split, at least: a split costs a thread hand-off and a merge, ~10 µs. */
    static final int SPLIT_MIN_KEYS = 2048;

    /**
     * Parts each row group's keys are cut into (flash-decoding): a call with fewer row groups than threads
     * (decode with B = 1 and one or two kv heads — MQA, GQA —, or a short chunk of queries against a long
     * cache) would otherwise leave threads idle. Each part runs the online softmax over its share of the
     * visible key blocks into {@link SplitPartials}, which are merged in a fixed order once all are done.
     * As many parts as the widest query block's visible keys hold {@link #SPLIT_MIN_KEYS} (a window of 256
     * keys over a long cache is not split), and no more than {@link #SPLIT_TARGET_ITEMS} items in all;
     * a query block that sees fewer keys, or a layout or mask that hides some, leaves some parts lighter.
     * A function of the spec, not of the engine's threads: one and two threads compute the same sums.
     */
    public static int keySplits(AttentionSpec spec, TileOps ops) {
        int groups = rowGroups(spec, ops);
        if (groups == 0 || groups >= SPLIT_TARGET_ITEMS) { // no query at all, or threads enough
            return 1;
        }
        long parts = widestVisibleKeys(spec, ops) / SPLIT_MIN_KEYS;
        return (int) Math.max(1, Math.min(SPLIT_TARGET_ITEMS / groups, parts));
    }

    /** {@code batch · kvHeads + kvHead} of row group {@code group} (0 ≤ group < {@link #rowGroups}). */
    static int groupHead(AttentionSpec spec, TileOps ops, int group) {
        return group / queryBlocks(spec, ops);
    }

    /**
     * First query position of row group {@code group}. Within a (batch, kv head) the last query blocks
     * come first: under a causal mask they see the most keys, so the light ones are left at the end of a
     * thread's range of items, where other threads steal them to even out the finish.
     */
    static int groupFirstQuery(AttentionSpec spec, TileOps ops, int group) {
        int queryBlocks = queryBlocks(spec, ops);
        return (queryBlocks - 1 - group % queryBlocks) * queryBlock(spec, ops);
    }

    /** Most tile rows an item can have (group heads × query block, padded to whole panels): workspace sizing. */
    public static int paddedRows(AttentionSpec spec, TileOps ops) {
        return roundUp(spec.groupSize() * queryBlock(spec, ops), ops.panelWidth());
    }

    static int roundUp(int value, int multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }
}
