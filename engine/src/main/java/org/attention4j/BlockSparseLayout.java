package org.attention4j;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Which (query block, key block) pairs to compute, per head: block-sparse attention. Blocks are
 * {@code blockSize} tokens on both sides; query {@code i} may see key {@code j} only when
 * ({@code i / blockSize}, {@code j / blockSize}) is active for its head (and the spec's causal mask,
 * window and the call's masks allow it too). The kernel visits only active blocks: the work is
 * proportional to their number.
 *
 * <p>A layout has one pattern per head, or a single pattern ({@link #heads()} = 1) shared by all heads.
 * It is immutable; build it with {@link #builder}, {@link #longformer}, {@link #bigBird} or
 * {@link #parse}. Stored as compressed rows (for each query block, its sorted key blocks), so its memory
 * is proportional to the active blocks, not to n².
 *
 * @since 0.1
 */
public final class BlockSparseLayout {
    private final int blockSize;
    private final int heads;
    private final int queryBlocks;
    private final int keyBlocks;
    /** Row {@code (head, qb)} holds {@code columns[rowStarts[head·queryBlocks + qb] .. rowStarts[.. + 1])}. */
    private final int[] rowStarts;
    private final int[] columns;

    private BlockSparseLayout(int blockSize, int heads, int queryBlocks, int keyBlocks, int[] rowStarts,
                              int[] columns) {
        this.blockSize = blockSize;
        this.heads = heads;
        this.queryBlocks = queryBlocks;
        this.keyBlocks = keyBlocks;
        this.rowStarts = rowStarts;
        this.columns = columns;
    }

    /**
     * {@return a builder of a layout with no active block yet}, for {@code heads} patterns over the given
     * block grid
     *
     * @param blockSize tokens per block, on both sides
     * @param heads patterns: 1 (shared by all heads) or the spec's query heads
     * @param queryBlocks blocks covering the query length ({@link #blocksFor})
     * @param keyBlocks blocks covering the key length
     * @throws IllegalArgumentException when a size is out of range
     */
    public static Builder builder(int blockSize, int heads, int queryBlocks, int keyBlocks) {
        return new Builder(blockSize, heads, queryBlocks, keyBlocks);
    }

    /**
     * {@return blocks needed to cover {@code length} tokens}; the last one may be partial
     *
     * @param length tokens
     * @param blockSize tokens per block
     */
    public static int blocksFor(int length, int blockSize) {
        return (length + blockSize - 1) / blockSize;
    }

    /**
     * Longformer's pattern (Beltagy et al., arXiv 2004.05150) at block granularity, shared by all heads:
     * each query block sees the key blocks within {@code band} blocks of its own (a sliding window of
     * {@code 2·band + 1} blocks, aligned on the diagonal of the block grid), and the first
     * {@code globalBlocks} blocks are global: they see every key block and every query block sees them.
     *
     * @param blockSize tokens per block
     * @param queryLength the spec's query length
     * @param keyLength the spec's key length
     * @param band key blocks visible on each side of the diagonal
     * @param globalBlocks leading global blocks
     * @return the layout
     * @throws IllegalArgumentException when a size is out of range
     */
    public static BlockSparseLayout longformer(int blockSize, int queryLength, int keyLength, int band,
                                               int globalBlocks) {
        return bigBird(blockSize, queryLength, keyLength, 1, band, globalBlocks, 0, 0);
    }

    /**
     * BigBird's pattern (Zaheer et al., arXiv 2007.14062): Longformer's band and global blocks plus
     * {@code randomBlocks} key blocks per query block drawn at random (without repeats, among the blocks
     * not already active), different for each of {@code heads} heads, reproducible from {@code seed}.
     *
     * @param blockSize tokens per block
     * @param queryLength the spec's query length
     * @param keyLength the spec's key length
     * @param heads patterns: 1 (shared) or the spec's query heads
     * @param band key blocks visible on each side of the diagonal
     * @param globalBlocks leading global blocks
     * @param randomBlocks random key blocks per query block
     * @param seed the seed of the random blocks
     * @return the layout
     * @throws IllegalArgumentException when a size is out of range
     */
    public static BlockSparseLayout bigBird(int blockSize, int queryLength, int keyLength, int heads, int band,
                                            int globalBlocks, int randomBlocks, long seed) {
        requireAtLeast("blockSize", blockSize, 1);
        requireAtLeast("queryLength", queryLength, 0);
        requireAtLeast("keyLength", keyLength, 0);
        requireAtLeast("band", band, 0);
        requireAtLeast("global", globalBlocks, 0);
        requireAtLeast("random", randomBlocks, 0);
        int qbs = blocksFor(queryLength, blockSize), kbs = blocksFor(keyLength, blockSize);
        Builder b = builder(blockSize, heads, qbs, kbs);
        SplittableRandom random = new SplittableRandom(seed);
        boolean[] taken = new boolean[kbs];
        for (int h = 0; h < heads; h++) {
            for (int qb = 0; qb < qbs; qb++) {
                Arrays.fill(taken, false);
                // The diagonal of the block grid, bottom-right aligned like the causal mask.
                long diagonal = qb + (long) kbs - qbs;
                for (long kb = Math.max(0, diagonal - band); kb <= Math.min(kbs - 1L, diagonal + band); kb++) {
                    taken[(int) kb] = true;
                }
                for (int g = 0; g < Math.min(globalBlocks, kbs); g++) {
                    taken[g] = true;
                }
                if (qb < globalBlocks) {
                    Arrays.fill(taken, true);
                }
                int free = 0;
                for (boolean t : taken) {
                    free += t ? 0 : 1;
                }
                for (int n = Math.min(randomBlocks, free); n > 0; n--) {
                    int pick = random.nextInt(free--); // the pick-th block not yet taken
                    for (int kb = 0; ; kb++) {
                        if (!taken[kb] && pick-- == 0) {
                            taken[kb] = true;
                            break;
                        }
                    }
                }
                for (int kb = 0; kb < kbs; kb++) {
                    if (taken[kb]) {
                        b.add(h, qb, kb);
                    }
                }
            }
        }
        return b.build();
    }

    /**
     * Parses the CLI syntax: {@code longformer:block=B,band=W[,global=G]} or
     * {@code bigbird:block=B,band=W[,global=G][,random=R][,seed=S]} (defaults: global 0, random 0, seed
     * 0), for {@code heads} heads and the given lengths.
     *
     * @param text the pattern, e.g. {@code bigbird:block=64,band=1,global=1,random=2}
     * @param heads the spec's query heads (a BigBird layout draws random blocks per head)
     * @param queryLength the spec's query length
     * @param keyLength the spec's key length
     * @return the layout
     * @throws IllegalArgumentException naming the part of {@code text} that is wrong
     */
    public static BlockSparseLayout parse(String text, int heads, int queryLength, int keyLength) {
        int colon = text.indexOf(':');
        String kind = colon < 0 ? text : text.substring(0, colon);
        if (!kind.equals("longformer") && !kind.equals("bigbird")) {
            throw new IllegalArgumentException("block-sparse pattern '" + text + "': expected longformer:block=B,band=W"
                    + "[,global=G] or bigbird:block=B,band=W[,global=G][,random=R][,seed=S]");
        }
        long block = -1, band = -1, global = 0, randomBlocks = 0, seed = 0;
        for (String part : colon < 0 ? new String[0] : text.substring(colon + 1).split(",")) {
            int eq = part.indexOf('=');
            String key = eq < 0 ? part : part.substring(0, eq).strip();
            long value;
            try {
                value = Long.parseLong(eq < 0 ? "" : part.substring(eq + 1).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("block-sparse pattern '" + text + "': '" + part
                        + "' is not key=integer");
            }
            switch (key) {
                case "block" -> block = value;
                case "band" -> band = value;
                case "global" -> global = value;
                case "random" -> randomBlocks = value;
                case "seed" -> seed = value;
                default -> throw new IllegalArgumentException("block-sparse pattern '" + text + "': unknown key '" + key
                        + "': expected block, band, global" + (kind.equals("bigbird") ? ", random, seed" : ""));
            }
            if (kind.equals("longformer") && (key.equals("random") || key.equals("seed"))) {
                throw new IllegalArgumentException("block-sparse pattern '" + text + "': '" + key
                        + "' is a bigbird option: expected block, band, global");
            }
        }
        if (block < 1 || block > Integer.MAX_VALUE || band < 0 || band > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("block-sparse pattern '" + text + "': expected block >= 1 and band >= 0"
                    + " (e.g. " + kind + ":block=64,band=2)");
        }
        int g = (int) Math.clamp(global, -1, Integer.MAX_VALUE), r = (int) Math.clamp(randomBlocks, -1, Integer.MAX_VALUE);
        return kind.equals("longformer")
                ? longformer((int) block, queryLength, keyLength, (int) band, g)
                : bigBird((int) block, queryLength, keyLength, heads, (int) band, g, r, seed);
    }

    /** {@return tokens per block, on both sides} */
    public int blockSize() { return blockSize; }
    /** {@return patterns: 1 (shared by every head) or one per head} */
    public int heads() { return heads; }
    /** {@return blocks on the query side} */
    public int queryBlocks() { return queryBlocks; }
    /** {@return blocks on the key side} */
    public int keyBlocks() { return keyBlocks; }

    /**
     * {@return the pattern index of attention head {@code head}}
     *
     * @param head the query head
     */
    public int patternOf(int head) {
        return heads == 1 ? 0 : head;
    }

    /**
     * {@return the first index (for {@link #keyBlockAt}) of the active key blocks of ({@code pattern},
     * {@code queryBlock})}
     *
     * @param pattern the pattern, from {@link #patternOf}
     * @param queryBlock the query block
     */
    public int firstIndex(int pattern, int queryBlock) {
        return rowStarts[pattern * queryBlocks + queryBlock];
    }

    /**
     * {@return the end index (exclusive) of the active key blocks of ({@code pattern}, {@code queryBlock})}
     *
     * @param pattern the pattern, from {@link #patternOf}
     * @param queryBlock the query block
     */
    public int endIndex(int pattern, int queryBlock) {
        return rowStarts[pattern * queryBlocks + queryBlock + 1];
    }

    /**
     * {@return the key block stored at {@code index}}: ascending within one query block
     *
     * @param index from {@link #firstIndex} (inclusive) to {@link #endIndex} (exclusive)
     */
    public int keyBlockAt(int index) {
        return columns[index];
    }

    /**
     * {@return whether ({@code queryBlock}, {@code keyBlock}) is active for attention head {@code head}}
     *
     * @param head the query head
     * @param queryBlock the query block
     * @param keyBlock the key block
     */
    public boolean isActive(int head, int queryBlock, int keyBlock) {
        int pattern = patternOf(head);
        return Arrays.binarySearch(columns, firstIndex(pattern, queryBlock), endIndex(pattern, queryBlock), keyBlock) >= 0;
    }

    /** {@return active blocks over all patterns} */
    public int activeBlocks() {
        return columns.length;
    }

    /** {@return active blocks / all blocks of the grid}, over all patterns: the work relative to dense */
    public double density() {
        double all = (double) heads * queryBlocks * keyBlocks;
        return all == 0 ? 0 : columns.length / all;
    }

    /** Checks that this layout covers {@code spec}'s lengths and heads. */
    void checkFits(AttentionSpec spec) {
        int qbs = blocksFor(spec.queryLength(), blockSize), kbs = blocksFor(spec.keyLength(), blockSize);
        if (queryBlocks != qbs || keyBlocks != kbs) {
            throw new IllegalArgumentException("block-sparse layout of " + queryBlocks + " × " + keyBlocks + " blocks of "
                    + blockSize + ": expected " + qbs + " × " + kbs + " for queryLength " + spec.queryLength()
                    + " and keyLength " + spec.keyLength());
        }
        if (heads != 1 && heads != spec.heads()) {
            throw new IllegalArgumentException("block-sparse layout with " + heads + " patterns: expected 1 or heads = "
                    + spec.heads());
        }
    }

    @Override
    public String toString() {
        return "BlockSparseLayout[block=" + blockSize + ", patterns=" + heads + ", grid=" + queryBlocks + "×" + keyBlocks
                + ", density=" + String.format("%.3f", density()) + "]";
    }

    private static void requireAtLeast(String name, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " = " + value + ": expected >= " + min);
        }
    }

    /**
     * Collects active blocks; {@link #add} checks each against the grid.
     *
     * @since 0.1
     */
    public static final class Builder {
        private final int blockSize, heads, queryBlocks, keyBlocks;
        private long[] pairs = new long[16];
        private int count;

        private Builder(int blockSize, int heads, int queryBlocks, int keyBlocks) {
            requireAtLeast("blockSize", blockSize, 1);
            requireAtLeast("heads", heads, 1);
            requireAtLeast("queryBlocks", queryBlocks, 0);
            requireAtLeast("keyBlocks", keyBlocks, 0);
            if ((long) heads * queryBlocks + 1 > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("heads × queryBlocks = " + (long) heads * queryBlocks
                        + ": expected < 2^31");
            }
            this.blockSize = blockSize;
            this.heads = heads;
            this.queryBlocks = queryBlocks;
            this.keyBlocks = keyBlocks;
        }

        /**
         * Marks ({@code queryBlock}, {@code keyBlock}) active for pattern {@code head}; repeats are ignored.
         *
         * @param head the pattern
         * @param queryBlock the query block
         * @param keyBlock the key block
         * @return this builder
         * @throws IllegalArgumentException when an index is outside the grid
         */
        public Builder add(int head, int queryBlock, int keyBlock) {
            if (head < 0 || head >= heads || queryBlock < 0 || queryBlock >= queryBlocks || keyBlock < 0
                    || keyBlock >= keyBlocks) {
                throw new IllegalArgumentException("block (head " + head + ", query block " + queryBlock + ", key block "
                        + keyBlock + ") is out of range: expected head < " + heads + ", query block < " + queryBlocks
                        + ", key block < " + keyBlocks);
            }
            if (count == pairs.length) {
                pairs = Arrays.copyOf(pairs, count * 2);
            }
            pairs[count++] = ((long) head * queryBlocks + queryBlock) << 32 | keyBlock;
            return this;
        }

        /** {@return the layout}, stored as compressed rows of sorted key blocks */
        public BlockSparseLayout build() {
            long[] sorted = Arrays.copyOf(pairs, count);
            Arrays.sort(sorted);
            int[] rowStarts = new int[heads * queryBlocks + 1];
            int[] columns = new int[count];
            int n = 0;
            for (int i = 0; i < count; i++) {
                if (i > 0 && sorted[i] == sorted[i - 1]) {
                    continue;
                }
                rowStarts[(int) (sorted[i] >>> 32) + 1]++;
                columns[n++] = (int) sorted[i];
            }
            for (int r = 0; r < heads * queryBlocks; r++) {
                rowStarts[r + 1] += rowStarts[r];
            }
            return new BlockSparseLayout(blockSize, heads, queryBlocks, keyBlocks, rowStarts, Arrays.copyOf(columns, n));
        }
    }
}
