package org.attention4j.kernel;

import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import org.attention4j.AttentionSpec;
import org.attention4j.Tensor;

/**
 * The partial results of key-split items ({@link TilePlan#keySplits}, flash-decoding) and their merge.
 * Each item of a split row group stores its rows' running max {@code m} (base 2), sum {@code l} and
 * unnormalized output {@code acc} over its share of the keys; once every item of the call is done,
 * {@link #merge} combines the parts in split order, so the sums do not depend on which thread ran which:
 * <pre>
 *   M = max_s m_s,   L = Σ_s l_s · 2^(m_s − M),   O = Σ_s acc_s · 2^(m_s − M) / L,   LSE = (M + log2 L) · ln 2
 * </pre>
 * A row no part saw a key for gets O = 0 and LSE = −∞ (the engine's rule for fully masked rows).
 *
 * <p>Layout: item {@code group · splits + split} owns {@link #slotFloats} floats from
 * {@code item · slotFloats}: the rows' maxima, then their sums ({@code slotRows} each: the most rows an
 * item can have), then their accumulators row after row ({@code valueHeadDim} each).
 */
public final class SplitPartials {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final double LN2 = Math.log(2.0);

    private SplitPartials() {}

    /** Floats of one call's partials: 0 when its row groups are not split. */
    public static int floats(AttentionSpec spec, TileOps ops) {
        return TilePlan.keySplits(spec, ops) == 1 ? 0 : TilePlan.itemCount(spec, ops) * slotFloats(spec, ops);
    }

    /** Rows of one part's slot: the most rows an item can have. */
    private static int slotRows(AttentionSpec spec, TileOps ops) {
        return TilePlan.queryBlock(spec, ops) * spec.groupSize();
    }

    private static int slotFloats(AttentionSpec spec, TileOps ops) {
        return slotRows(spec, ops) * (spec.valueHeadDim() + 2);
    }

    /**
     * Stores item {@code item}'s {@code rows} rows: the row-by-row path's row-major accumulators as they
     * are, the tiled path's panel-major ones ({@link TileOps}, depth {@code paddedDim}) row by row.
     */
    static void store(AttentionSpec spec, TileOps ops, Workspace ws, int rows, boolean byRow, float[] partials,
                      int item) {
        int slotRows = slotRows(spec, ops), at = item * slotFloats(spec, ops), valueDim = spec.valueHeadDim();
        System.arraycopy(ws.rowMax, 0, partials, at, rows);
        System.arraycopy(ws.rowSum, 0, partials, at + slotRows, rows);
        if (byRow) {
            System.arraycopy(ws.accT, 0, partials, at + 2 * slotRows, rows * valueDim);
            return;
        }
        int paddedDim = TilePlan.paddedValueDim(spec, ops), width = ops.panelWidth();
        for (int r = 0, row = at + 2 * slotRows; r < rows; r++, row += valueDim) {
            for (int d = 0; d < valueDim; d++) {
                partials[row + d] = ws.accT[TilePlan.panelIndex(r, d, paddedDim, width)];
            }
        }
    }

    /** Merges every row group's parts and writes its rows of {@code out} (and {@code lse} when not null). */
    public static void merge(AttentionSpec spec, TileOps ops, float[] partials, Tensor out, Tensor lse) {
        int splits = TilePlan.keySplits(spec, ops), slot = slotFloats(spec, ops), slotRows = slotRows(spec, ops);
        int valueDim = spec.valueHeadDim();
        for (int group = 0; group < TilePlan.rowGroups(spec, ops); group++) {
            int head = TilePlan.groupHead(spec, ops, group);
            int b = head / spec.kvHeads(), kvHead = head % spec.kvHeads();
            int firstQuery = TilePlan.groupFirstQuery(spec, ops, group);
            int queries = Math.min(TilePlan.queryBlock(spec, ops), spec.queryLength() - firstQuery);
            int first = group * splits * slot; // part 0's slot: the merged row is built in its accumulator
            for (int r = 0; r < queries * spec.groupSize(); r++) {
                float max = Float.NEGATIVE_INFINITY;
                for (int s = 0; s < splits; s++) {
                    max = Math.max(max, partials[first + s * slot + r]);
                }
                double sum = 0;
                int row = first + 2 * slotRows + r * valueDim;
                for (int s = 0; s < splits; s++) {
                    int at = first + s * slot;
                    float weight = max == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp((partials[at + r] - max) * LN2);
                    sum += partials[at + slotRows + r] * weight;
                    for (int d = 0, from = at + 2 * slotRows + r * valueDim; d < valueDim; d++) {
                        partials[row + d] = s == 0 ? partials[from + d] * weight : partials[row + d] + partials[from + d] * weight;
                    }
                }
                float inverse = sum > 0 ? (float) (1 / sum) : 0f;
                for (int d = 0; d < valueDim; d++) {
                    partials[row + d] *= inverse;
                }
                long query = firstQuery + r % queries;
                int queryHead = kvHead * spec.groupSize() + r / queries;
                Rows.write(partials, row, valueDim, out, b, query, queryHead);
                if (lse != null) {
                    lse.segment().setAtIndex(FLOAT, lse.index(b, query, queryHead), FlashAttention.logSumExp(max, sum));
                }
            }
        }
    }

    /**
     * Partials arrays of an engine's calls: a call borrows one for its duration. Grows to the largest
     * call and the most simultaneous split calls, then allocates nothing.
     */
    public static final class Pool {
        private final ArrayDeque<float[]> free = new ArrayDeque<>();

        /** An array of at least {@code floats} (its old values are overwritten before they are read). */
        public synchronized float[] acquire(int floats) {
            float[] array = free.pollFirst();
            return array != null && array.length >= floats ? array : new float[floats];
        }

        public synchronized void release(float[] array) {
            free.addFirst(array);
        }

        public synchronized long bytesHeld() {
            long bytes = 0;
            for (float[] array : free) {
                bytes += (long) Float.BYTES * array.length;
            }
            return bytes;
        }
    }
}
