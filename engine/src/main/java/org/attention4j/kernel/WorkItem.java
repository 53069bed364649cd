package org.attention4j.kernel;

import org.attention4j.AttentionSpec;

/**
 * Where one work item of a call lies ({@link TilePlan#itemCount}): a block of query rows of one
 * (batch, kv head), with all the query heads sharing that kv head (GQA), against its share of the keys.
 * Each workspace owns one and re-aims it per item, so running an item allocates nothing.
 */
final class WorkItem {
    /** Batch · kvHeads + kvHead: the key/value head whose packed blocks the item reads. */
    int head;
    int b, kvHead;
    int firstQuery, queries;
    /** Tile rows: {@code queries} per query head of the group, head after head. */
    int rows;
    /** {@link #rows} rounded up to whole panels. */
    int paddedRows;
    /** The keys this item visits: {@code [keyStart, keyEnd)}, keyStart a multiple of the key block. */
    int keyStart, keyEnd;

    /** Aims this at item {@code index} of {@code call}. */
    WorkItem locate(ForwardCall call, int index) {
        AttentionSpec spec = call.spec;
        int split = index % call.splits, group = index / call.splits;
        // Items of one (batch, kv head) are consecutive, so a thread's range of items (ItemRanges) covers
        // whole heads and their packed keys and values are reused.
        head = TilePlan.groupHead(spec, call.ops, group);
        b = head / spec.kvHeads();
        kvHead = head % spec.kvHeads();
        firstQuery = TilePlan.groupFirstQuery(spec, call.ops, group);
        queries = Math.min(call.queryBlock, spec.queryLength() - firstQuery);
        rows = queries * spec.groupSize();
        // This item's rows only: the last query block may be short, and padding it to a full block
        // made it cost as much as a full one.
        paddedRows = TilePlan.roundUp(rows, call.width);

        int lastQuery = firstQuery + queries - 1;
        keyEnd = (int) Math.min(spec.keyLength(), spec.lastVisibleKey(lastQuery) + 1);
        // Blocks start at multiples of keyBlock (the packed head is laid out by block); a left window
        // skips the blocks wholly before the first row's band.
        keyStart = (int) (spec.firstVisibleKey(firstQuery) / call.keyBlock * call.keyBlock);
        if (call.splits > 1) { // this part's share of the visible blocks
            long blocks = Math.max(0, (keyEnd - keyStart + call.keyBlock - 1) / call.keyBlock);
            int partStart = keyStart + (int) (blocks * split / call.splits) * call.keyBlock;
            keyEnd = Math.min(keyEnd, keyStart + (int) (blocks * (split + 1) / call.splits) * call.keyBlock);
            keyStart = partStart;
        }
        return this;
    }

    int lastQuery() {
        return firstQuery + queries - 1;
    }

    /** Query head of tile row {@code r}. */
    int queryHead(AttentionSpec spec, int r) {
        return kvHead * spec.groupSize() + r / queries;
    }

    /** Query position of tile row {@code r}. */
    int queryPosition(int r) {
        return firstQuery + r % queries;
    }
}
