package org.attention4j.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.attention4j.AttentionSpec;
import org.attention4j.Tensor;

/**
 * The tiled forward driver: one work item (batch, kv head, query block) at a time, with the online
 * softmax of FlashAttention — Dao et al., arXiv 2205.14135; FlashAttention-2, arXiv 2307.08691; online
 * normalizer, Milakov &amp; Gimelshein, arXiv 1805.02867.
 *
 * <p>For each item: pack its query rows transposed and pre-scaled by {@code scale·log2 e} (so every
 * exponential is a cheap exp2), then for each key/value block: pack it, {@code S = Q·Kᵀ}, mask the
 * diagonal block if causal, online-softmax update, {@code acc = acc·alpha + P·V}. Finally
 * {@code O = acc / l} and {@code LSE = (m + log2 l)·ln 2}. Scores live only in the
 * {@code KEY_BLOCK × rows} tile; nothing is n × n.
 *
 * <p>Causal: key blocks past the item's last visible key are never visited, blocks wholly visible to
 * every row run unmasked, only blocks crossing the diagonal pay for the mask.
 */
public final class FlashAttention {
    private static final double LOG2_E = 1.0 / Math.log(2.0);
    private static final double LN2 = Math.log(2.0);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private FlashAttention() {}

    /**
     * Computes work item {@code item} of {@link TilePlan#itemCount}: writes its rows of {@code out}
     * (and {@code lse} when not null). Arguments must have been validated; {@code ws} must be prepared.
     */
    public static void runItem(TileOps ops, AttentionSpec spec, Tensor q, Tensor k, Tensor v, Tensor out,
                               Tensor lse, Workspace ws, int item) {
        int lanes = ops.lanes();
        int queryBlock = TilePlan.queryBlock(spec, lanes);
        int queryBlocks = TilePlan.queryBlocks(spec, lanes);
        int perBlock = spec.batch() * spec.kvHeads();
        // Last query blocks first: under a causal mask they see the most keys, and handing out the
        // heaviest items first balances the threads (longest-processing-time order).
        int qBlock = queryBlocks - 1 - item / perBlock;
        int b = item % perBlock / spec.kvHeads();
        int kvHead = item % spec.kvHeads();
        int firstQuery = qBlock * queryBlock;
        int queries = Math.min(queryBlock, spec.queryLength() - firstQuery);
        int rows = queries * spec.groupSize();
        int paddedRows = TilePlan.paddedRows(spec, ops);
        int headDim = spec.headDim();
        int paddedDim = TilePlan.paddedDim(headDim, lanes);

        packQueriesTransposed(spec, q, b, kvHead, firstQuery, queries, paddedRows, ws);
        Arrays.fill(ws.rowMax, 0, paddedRows, Float.NEGATIVE_INFINITY);
        Arrays.fill(ws.rowSum, 0, paddedRows, 0f);
        Arrays.fill(ws.acc, 0, paddedRows * paddedDim, 0f);

        long diagonal = (long) spec.keyLength() - spec.queryLength(); // query i sees keys <= i + diagonal
        int keyEnd = (int) Math.min(spec.keyLength(), spec.lastVisibleKey(firstQuery + queries - 1) + 1);
        for (int firstKey = 0; firstKey < keyEnd; firstKey += TilePlan.KEY_BLOCK) {
            int keyCount = Math.min(TilePlan.KEY_BLOCK, keyEnd - firstKey);
            int keyRows = TilePlan.roundUp(keyCount, 4);
            packRows(k, b, kvHead, firstKey, keyCount, headDim, headDim, ws.keys);
            Arrays.fill(ws.keys, keyCount * headDim, keyRows * headDim, 0f);
            packRows(v, b, kvHead, firstKey, keyCount, headDim, paddedDim, ws.values);

            ops.scoresTransposed(ws.keys, keyRows, headDim, ws.queriesT, paddedRows, ws.scoresT);
            if (spec.causal() && firstKey + keyCount - 1 > firstQuery + diagonal) {
                maskAboveDiagonal(ws.scoresT, paddedRows, rows, queries, firstQuery + diagonal - firstKey,
                        keyCount);
            }
            ops.softmaxUpdate(ws.scoresT, keyCount, paddedRows, ws.rowMax, ws.rowSum, ws.alpha);
            ops.accumulateValues(ws.scoresT, keyCount, paddedRows, ws.alpha, ws.values, paddedDim, ws.acc);
        }
        writeRows(spec, out, lse, b, kvHead, firstQuery, queries, rows, paddedDim, ws);
    }

    /** {@code queriesT[d][r] = Q[b, firstQuery + r % queries, head(r), d] · scale · log2 e}. */
    private static void packQueriesTransposed(AttentionSpec spec, Tensor q, int b, int kvHead, int firstQuery,
                                              int queries, int paddedRows, Workspace ws) {
        int headDim = spec.headDim();
        float factor = (float) (spec.scale() * LOG2_E);
        float[] qT = ws.queriesT;
        int r = 0;
        for (int g = 0; g < spec.groupSize(); g++) {
            int head = kvHead * spec.groupSize() + g;
            for (int i = 0; i < queries; i++, r++) {
                MemorySegment.copy(q.segment(), FLOAT, q.byteOffset(b, firstQuery + i, head), ws.row, 0, headDim);
                for (int d = 0; d < headDim; d++) {
                    qT[d * paddedRows + r] = ws.row[d] * factor;
                }
            }
        }
        for (int d = 0; d < headDim; d++) {
            Arrays.fill(qT, d * paddedRows + r, (d + 1) * paddedRows, 0f); // padding rows score 0, unused
        }
    }

    /** Copies {@code count} rows of {@code headDim} floats into {@code dst} with row stride {@code stride}. */
    private static void packRows(Tensor t, int b, int head, int first, int count, int headDim, int stride,
                                 float[] dst) {
        MemorySegment segment = t.segment();
        for (int c = 0; c < count; c++) {
            MemorySegment.copy(segment, FLOAT, t.byteOffset(b, first + c, head), dst, c * stride, headDim);
        }
    }

    /**
     * Sets {@code scoresT[c][r] = −∞} where key {@code c} lies past row {@code r}'s last visible key.
     * Row {@code r} holds query {@code r % queries}; its last visible key, relative to the block, is
     * {@code r % queries + lastKeyOfFirstRow}.
     */
    private static void maskAboveDiagonal(float[] scoresT, int paddedRows, int rows, int queries,
                                          long lastKeyOfFirstRow, int keyCount) {
        for (int r = 0; r < rows; r++) {
            long firstHidden = Math.max(0, r % queries + lastKeyOfFirstRow + 1);
            for (long c = firstHidden; c < keyCount; c++) {
                scoresT[(int) c * paddedRows + r] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    /** {@code O = acc / l}, {@code LSE = (m + log2 l)·ln 2}; rows that saw no key get O = 0, LSE = −∞. */
    private static void writeRows(AttentionSpec spec, Tensor out, Tensor lse, int b, int kvHead, int firstQuery,
                                  int queries, int rows, int paddedDim, Workspace ws) {
        int headDim = spec.headDim();
        for (int r = 0; r < rows; r++) {
            int head = kvHead * spec.groupSize() + r / queries;
            int query = firstQuery + r % queries;
            float sum = ws.rowSum[r];
            float inverse = sum > 0f ? 1f / sum : 0f;
            int accRow = r * paddedDim;
            for (int d = 0; d < headDim; d++) {
                ws.row[d] = ws.acc[accRow + d] * inverse;
            }
            MemorySegment.copy(ws.row, 0, out.segment(), FLOAT, out.byteOffset(b, query, head), headDim);
            if (lse != null) {
                float value = sum > 0f
                        ? (float) ((ws.rowMax[r] + Math.log(sum) * LOG2_E) * LN2)
                        : Float.NEGATIVE_INFINITY;
                lse.segment().setAtIndex(FLOAT, lse.index(b, query, head), value);
            }
        }
    }
}
