package org.attention4j.kernel;

import java.util.Arrays;
import org.attention4j.AttentionMask;
import org.attention4j.AttentionSpec;
import org.attention4j.BlockSparseLayout;

/**
 * The parts of a score tile that depend on more than the band: a call's masks (key padding, boolean or
 * additive), the block-sparse layout, and ALiBi's per-row constants. Rows of a tile are as in the flash
 * driver: row {@code r} is query {@code firstQuery + r % queries} of head
 * {@code kvHead · groupSize + r / queries}; scores are in base-2 units ({@code log2 e} times the scaled
 * logits), so additive biases are multiplied by {@code log2 e} here.
 *
 * <p>Skipping is decided before the tile's product: a tile whose pairs are all hidden costs only this
 * check. The checks stop at the first visible pair, so tiles that are mostly visible cost little.
 */
final class ScoreMasks {
    private static final float LOG2_E = (float) (1.0 / Math.log(2.0));

    private ScoreMasks() {}

    /** True when the call's mask hides every pair of the item's rows with keys {@code firstKey ..+ keyCount}. */
    static boolean hidesTile(ForwardCall call, WorkItem item, int firstKey, int keyCount) {
        AttentionMask mask = call.mask;
        int b = item.b;
        if (mask.hasKeyPadding()) {
            boolean allPadded = true;
            for (int c = 0; c < keyCount && allPadded; c++) {
                allPadded = mask.isPadded(b, firstKey + c);
            }
            if (allPadded) {
                return true;
            }
        }
        if (!mask.hasGeneralMask()) {
            return false;
        }
        for (int r = 0; r < item.rows; r++) {
            long base = mask.generalIndex(b, item.queryHead(call.spec, r), item.queryPosition(r)) + firstKey;
            for (int c = 0; c < keyCount; c++) {
                if (mask.allowsAt(base + c) && !mask.isPadded(b, firstKey + c)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Applies the call's mask to the item's computed tile ({@code ws.scoresT}, all its panels): −∞ where
     * hidden, the additive bias (× log2 e) elsewhere.
     */
    static void apply(ForwardCall call, WorkItem item, Workspace ws, int firstKey, int keyCount) {
        AttentionMask mask = call.mask;
        float[] scoresT = ws.scoresT;
        int width = call.width, depth = call.ops.keyBlock(), b = item.b, paddedRows = item.paddedRows;
        if (mask.hasKeyPadding()) {
            for (int c = 0; c < keyCount; c++) {
                if (mask.isPadded(b, firstKey + c)) {
                    for (int r = 0; r < paddedRows; r++) {
                        scoresT[TilePlan.panelIndex(r, c, depth, width)] = Float.NEGATIVE_INFINITY;
                    }
                }
            }
        }
        if (!mask.hasGeneralMask()) {
            return;
        }
        for (int r = 0; r < item.rows; r++) {
            long base = mask.generalIndex(b, item.queryHead(call.spec, r), item.queryPosition(r)) + firstKey;
            for (int c = 0; c < keyCount; c++) {
                float bias = mask.biasAt(base + c);
                if (bias != 0f) {
                    scoresT[TilePlan.panelIndex(r, c, depth, width)] += bias * LOG2_E; // −∞ stays −∞
                }
            }
        }
    }

    /**
     * Marks in {@code ws.activeKeyBlocks} the layout key blocks that any head of the item's group may see
     * from the item's layout query block.
     */
    static void markActiveKeyBlocks(AttentionSpec spec, WorkItem item, Workspace ws) {
        BlockSparseLayout layout = spec.blockSparse();
        int kvHead = item.kvHead;
        Arrays.fill(ws.activeKeyBlocks, 0, layout.keyBlocks(), false);
        int queryBlock = item.firstQuery / layout.blockSize();
        int groups = layout.heads() == 1 ? 1 : spec.groupSize();
        for (int g = 0; g < groups; g++) {
            int pattern = layout.patternOf(kvHead * spec.groupSize() + g);
            for (int at = layout.firstIndex(pattern, queryBlock); at < layout.endIndex(pattern, queryBlock); at++) {
                ws.activeKeyBlocks[layout.keyBlockAt(at)] = true;
            }
        }
    }

    /** The first key at or after {@code from} (a loop-block start) that lies in a marked layout block. */
    static int nextActiveKey(BlockSparseLayout layout, Workspace ws, int from) {
        int block = from / layout.blockSize();
        while (block < layout.keyBlocks() && !ws.activeKeyBlocks[block]) {
            block++;
        }
        return block == layout.keyBlocks() ? Integer.MAX_VALUE : Math.max(from, block * layout.blockSize());
    }

    /**
     * With one pattern per head and several heads per item (GQA), hides the rows of heads whose pattern
     * does not have this key block (another head of the group made the item visit it).
     */
    static void hideRowsOutsideLayout(ForwardCall call, WorkItem item, Workspace ws, int firstKey, int keyCount) {
        AttentionSpec spec = call.spec;
        float[] scoresT = ws.scoresT;
        int width = call.width, depth = call.ops.keyBlock(), kvHead = item.kvHead, queries = item.queries;
        BlockSparseLayout layout = spec.blockSparse();
        int queryBlock = item.firstQuery / layout.blockSize(), keyBlock = firstKey / layout.blockSize();
        for (int g = 0; g < spec.groupSize(); g++) {
            if (!layout.isActive(kvHead * spec.groupSize() + g, queryBlock, keyBlock)) {
                for (int r = g * queries; r < (g + 1) * queries; r++) {
                    for (int c = 0; c < keyCount; c++) {
                        scoresT[TilePlan.panelIndex(r, c, depth, width)] = Float.NEGATIVE_INFINITY;
                    }
                }
            }
        }
    }

    /**
     * ALiBi's per-row constants for {@link TileOps#addDistanceBias}: slope {@code −slope_h · log2 e} and
     * the query's position on the key axis {@code i + Lk − Lq}; padding rows get slope 0.
     */
    static void prepareAlibi(AttentionSpec spec, WorkItem item, Workspace ws) {
        int offset = spec.keyLength() - spec.queryLength();
        for (int r = 0; r < item.paddedRows; r++) {
            boolean real = r < item.rows;
            ws.rowSlope[r] = real ? -spec.alibiSlope(item.queryHead(spec, r)) * LOG2_E : 0f;
            ws.rowPosition[r] = real ? item.queryPosition(r) + offset : 0f;
        }
    }
}
