package org.attention4j;

/**
 * The shape and options of one attention problem: {@code O = softmax(Q·Kᵀ·scale + mask)·V}.
 *
 * <p>Q is {@code [batch, queryLength, heads, headDim]}, K {@code [batch, keyLength, kvHeads, headDim]},
 * V {@code [batch, keyLength, kvHeads, valueHeadDim]} and O {@code [batch, queryLength, heads, valueHeadDim]}.
 * The value head size defaults to {@code headDim}; it may differ (as ONNX {@code Attention}, PyTorch's
 * {@code scaled_dot_product_attention} and multi-head latent attention allow: DeepSeek's query/key heads of
 * 192 with value heads of 128). {@code heads % kvHeads == 0}: query head {@code h} reads
 * key/value head {@code h / (heads / kvHeads)} (MHA when equal, GQA when a divisor, MQA when 1).
 *
 * <h2>Causal masking</h2>
 * Bottom-right aligned when the lengths differ, as in FlashAttention-2 and ONNX: query {@code i} sees
 * key {@code j} iff {@code j <= i + keyLength - queryLength}. For {@code queryLength = 3, keyLength = 5}
 * ({@code x} = visible):
 * <pre>
 *          key 0 1 2 3 4
 *   query 0    x x x . .
 *   query 1    x x x x .
 *   query 2    x x x x x
 * </pre>
 * A query row that sees no key (for example {@code keyLength = 0}, or causal with
 * {@code queryLength > keyLength}) gets {@code O = 0} and log-sum-exp {@code -∞}, never NaN.
 *
 * <h2>Sliding window</h2>
 * {@code window(left, right)}, as FlashAttention-2's {@code window_size}: query {@code i} sees key
 * {@code j} iff {@code i + d − left <= j <= i + d + right}, with {@code d = keyLength − queryLength} (the
 * same bottom-right alignment); {@code −1} leaves a side unbounded. With {@code causal} the right side
 * is 0 (a right of −1 or 0 is accepted, a positive one is a contradiction and rejected). Mistral-style
 * local causal attention over {@code w} tokens is {@code causal(true).window(w − 1, 0)}. Key blocks
 * outside the band are never visited: the cost is O(n·w), not O(n²).
 *
 * <h2>Soft-capping, ALiBi, block-sparse layouts</h2>
 * A score is computed as {@code s = scale · q·k}; then, in this order: with {@code softcap(c)},
 * {@code s = c · tanh(s / c)} (Gemma 2); with {@code alibiSlopes}, {@code s −= slope_h · |i + Lk − Lq − j|}
 * (ALiBi, Press et al., arXiv 2108.12409, with FlashAttention's bottom-right alignment and absolute
 * distance); then the call's additive mask is added ({@link AttentionMask}). A pair hidden by the causal
 * mask, the window, the {@link BlockSparseLayout block-sparse layout} or a mask is −∞. Per-call masks
 * are data and are passed to {@code forward}, not kept here.
 *
 * <p>Instances are immutable and validated on construction; build them with {@link #builder()}.
 *
 * @since 0.1
 */
public final class AttentionSpec {
    /** Largest supported head dimension, of queries/keys and of values alike. */
    public static final int MAX_HEAD_DIM = 256;

    private final int batch;
    private final int queryLength;
    private final int keyLength;
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final int valueHeadDim;
    private final float scale;
    private final boolean causal;
    private final int windowLeft;
    private final int windowRight;
    private final float softcap;
    private final float[] alibiSlopes;
    private final BlockSparseLayout layout;

    private AttentionSpec(Builder b) {
        this.batch = requireAtLeast("batch", b.batch, 1);
        this.queryLength = requireAtLeast("queryLength", b.queryLength, 0);
        this.keyLength = requireAtLeast("keyLength", b.keyLength, 0);
        this.heads = requireAtLeast("heads", b.heads, 1);
        this.kvHeads = requireAtLeast("kvHeads", b.kvHeadsSet ? b.kvHeads : b.heads, 1);
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("heads = " + heads + " is not a multiple of kvHeads = "
                    + kvHeads + ": expected heads % kvHeads == 0 (MHA, GQA or MQA)");
        }
        if (b.headDim < 1 || b.headDim > MAX_HEAD_DIM) {
            throw new IllegalArgumentException("headDim = " + b.headDim + ": expected 1.." + MAX_HEAD_DIM);
        }
        this.headDim = b.headDim;
        int valueDim = b.valueHeadDimSet ? b.valueHeadDim : headDim;
        if (valueDim < 1 || valueDim > MAX_HEAD_DIM) {
            throw new IllegalArgumentException("valueHeadDim = " + valueDim + ": expected 1.." + MAX_HEAD_DIM);
        }
        this.valueHeadDim = valueDim;
        float s = b.scaleSet ? b.scale : (float) (1.0 / Math.sqrt(headDim));
        if (!Float.isFinite(s)) {
            throw new IllegalArgumentException("scale = " + s + ": expected a finite number");
        }
        this.scale = s;
        this.causal = b.causal;
        this.windowLeft = requireAtLeast("window left", b.windowLeft, -1);
        this.windowRight = requireAtLeast("window right", b.windowRight, -1);
        if (causal && windowRight > 0) {
            throw new IllegalArgumentException("window right = " + windowRight + " with causal: expected 0 or -1 "
                    + "(a causal mask hides every key after the diagonal)");
        }
        if (!(b.softcap >= 0) || b.softcap == Float.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("softcap = " + b.softcap + ": expected a finite number > 0 (0 = off)");
        }
        this.softcap = b.softcap;
        if (b.alibiSlopes != null) {
            if (b.alibiSlopes.length != heads) {
                throw new IllegalArgumentException("alibi slopes: " + b.alibiSlopes.length + " values: expected one per"
                        + " head (" + heads + ")");
            }
            for (int h = 0; h < heads; h++) {
                if (!Float.isFinite(b.alibiSlopes[h])) {
                    throw new IllegalArgumentException("alibi slope of head " + h + " = " + b.alibiSlopes[h]
                            + ": expected a finite number");
                }
            }
        }
        this.alibiSlopes = b.alibiSlopes == null ? null : b.alibiSlopes.clone();
        this.layout = b.layout;
        if (layout != null) {
            layout.checkFits(this);
        }
    }

    /**
     * The standard ALiBi slopes for {@code heads} heads: the geometric sequence {@code 2^(−8i/n)},
     * i = 1..n, for n a power of two; otherwise those of the nearest lower power of two followed by every
     * other slope of the next one (as in the ALiBi paper's reference code).
     *
     * @param heads the number of query heads, at least 1
     * @return a new array of {@code heads} slopes, for {@link Builder#alibiSlopes}
     */
    public static float[] standardAlibiSlopes(int heads) {
        requireAtLeast("heads", heads, 1);
        int lower = Integer.highestOneBit(heads);
        float[] slopes = new float[heads];
        for (int i = 0; i < lower; i++) {
            slopes[i] = (float) Math.pow(2, -8.0 * (i + 1) / lower);
        }
        for (int i = lower; i < heads; i++) { // odd slopes of 2·lower heads: 2^(−8(2k+1)/(2·lower))
            slopes[i] = (float) Math.pow(2, -8.0 * (2 * (i - lower) + 1) / (2 * lower));
        }
        return slopes;
    }

    private static int requireAtLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " = " + value + ": expected >= " + min);
        }
        return value;
    }

    /** {@return a builder with batch 1, no lengths, heads or head size set, scale 1/√headDim, not causal} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Self-attention ({@code queryLength == keyLength}, MHA) with the default scale.
     *
     * @param batch batch items
     * @param length query and key length
     * @param heads query heads, and as many key/value heads
     * @param headDim head size of queries, keys and values
     * @param causal whether query {@code i} sees only keys {@code j <= i}
     * @return the spec
     * @throws IllegalArgumentException naming the first value out of range
     */
    public static AttentionSpec of(int batch, int length, int heads, int headDim, boolean causal) {
        return builder().batch(batch).queryLength(length).keyLength(length)
                .heads(heads).headDim(headDim).causal(causal).build();
    }

    /** {@return a builder pre-filled with this spec's values}, to derive a spec that differs in a few */
    public Builder toBuilder() {
        Builder b = new Builder().batch(batch).queryLength(queryLength).keyLength(keyLength)
                .heads(heads).kvHeads(kvHeads).headDim(headDim).scale(scale).causal(causal)
                .window(windowLeft, windowRight).softcap(softcap).alibiSlopes(alibiSlopes).blockSparse(layout);
        // Only a value head size of its own is carried over: one that follows headDim keeps following it.
        return valueHeadDim == headDim ? b : b.valueHeadDim(valueHeadDim);
    }

    /** {@return batch items} */
    public int batch() { return batch; }
    /** {@return query rows per batch item and head} */
    public int queryLength() { return queryLength; }
    /** {@return keys (and values) per batch item and key/value head} */
    public int keyLength() { return keyLength; }
    /** {@return query heads (and output heads)} */
    public int heads() { return heads; }
    /** {@return key/value heads: {@code heads} for MHA, a divisor of it for GQA, 1 for MQA} */
    public int kvHeads() { return kvHeads; }
    /** {@return head size of queries and keys: the depth of the scores {@code Q·Kᵀ}} */
    public int headDim() { return headDim; }
    /** {@return head size of values and of the output} (equal to {@link #headDim()} unless set otherwise) */
    public int valueHeadDim() { return valueHeadDim; }
    /** {@return the factor of the scores {@code Q·Kᵀ} before the softmax} (default {@code 1/√headDim}) */
    public float scale() { return scale; }
    /** {@return whether query {@code i} sees only keys up to its diagonal} (bottom-right aligned) */
    public boolean causal() { return causal; }
    /** {@return keys visible before the diagonal, or −1 for all of them} */
    public int windowLeft() { return windowLeft; }
    /** {@return keys visible after the diagonal, or −1 for all of them} (0 when causal) */
    public int windowRight() { return causal ? 0 : windowRight; }
    /** {@return true when a sliding window bounds either side} */
    public boolean hasWindow() { return windowLeft >= 0 || windowRight >= 0; }

    /** {@return the soft-capping constant {@code c} of {@code c · tanh(s / c)}, or 0 when off} */
    public float softcap() { return softcap; }
    /** {@return true when ALiBi slopes are set} */
    public boolean hasAlibi() { return alibiSlopes != null; }
    /**
     * {@return the ALiBi slope of head {@code h}} (0 without ALiBi)
     *
     * @param h the query head
     */
    public float alibiSlope(int h) { return alibiSlopes == null ? 0f : alibiSlopes[h]; }
    /** {@return the block-sparse layout, or null for dense attention} */
    public BlockSparseLayout blockSparse() { return layout; }

    /** {@return query heads that share one key/value head} */
    public int groupSize() { return heads / kvHeads; }

    /**
     * {@return the last key index query {@code queryIndex} may see} (negative: none), following the
     * bottom-right causal rule and the window; {@code keyLength - 1} when neither bounds it.
     *
     * @param queryIndex the query row, {@code 0 .. queryLength − 1}
     */
    public long lastVisibleKey(long queryIndex) {
        long last = keyLength - 1L;
        int right = windowRight();
        return right >= 0 ? Math.min(last, queryIndex + keyLength - queryLength + right) : last;
    }

    /**
     * {@return the first key index query {@code queryIndex} may see} (0 without a left window); the row
     * sees nothing when it is above {@link #lastVisibleKey}.
     *
     * @param queryIndex the query row, {@code 0 .. queryLength − 1}
     */
    public long firstVisibleKey(long queryIndex) {
        return windowLeft >= 0 ? Math.max(0, queryIndex + keyLength - queryLength - windowLeft) : 0;
    }

    /**
     * Query–key pairs that are not masked by the causal mask, the window or the block-sparse layout, over
     * all batch items and heads (a call's {@link AttentionMask} may hide more: see
     * {@link #visiblePairs(AttentionMask)}).
     *
     * @return the number of visible pairs
     */
    public long visiblePairs() {
        return visiblePairs(null);
    }

    /**
     * As {@link #visiblePairs()}, also counting only the pairs {@code mask} lets through (null: no mask).
     * O(batch · heads · queryLength) with a key-padding mask, O(batch · heads · Lq · Lk) with a general one.
     *
     * @param mask the call's masks, or null
     * @return the number of visible pairs
     * @throws IllegalArgumentException when {@code mask} does not fit this spec
     */
    public long visiblePairs(AttentionMask mask) {
        if (mask == null || (!mask.hasKeyPadding() && !mask.hasGeneralMask())) {
            boolean perHead = layout != null && layout.heads() > 1;
            long pairs = 0;
            for (int h = 0; h < (perHead ? heads : 1); h++) {
                pairs += visiblePairsOfHead(h, mask, 0, null);
            }
            return pairs * batch * (perHead ? 1 : heads);
        }
        mask.checkFits(this);
        long pairs = 0;
        int[] realBefore = new int[keyLength + 1]; // realBefore[j]: keys before j that are not padding
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < keyLength; j++) {
                realBefore[j + 1] = realBefore[j] + (mask.isPadded(b, j) ? 0 : 1);
            }
            for (int h = 0; h < heads; h++) {
                pairs += visiblePairsOfHead(h, mask, b, realBefore);
            }
        }
        return pairs;
    }

    /**
     * {@return whether the block-sparse layout (if any) lets head {@code h}'s query {@code i} see key
     * {@code j}} (true without a layout)
     *
     * @param h the query head
     * @param i the query index
     * @param j the key index
     */
    public boolean isInLayout(int h, long i, long j) {
        return layout == null || layout.isActive(h, (int) (i / layout.blockSize()), (int) (j / layout.blockSize()));
    }

    /**
     * Visible pairs of head {@code h} of batch item {@code b}: the band intersected with the layout's
     * blocks, counted through {@code realBefore} (prefix counts of unpadded keys; null = no padding) or,
     * with a general mask, pair by pair.
     */
    private long visiblePairsOfHead(int h, AttentionMask mask, int b, int[] realBefore) {
        if (layout == null && !causal && !hasWindow() && realBefore == null) {
            return (long) queryLength * keyLength;
        }
        boolean general = mask != null && mask.hasGeneralMask();
        long pairs = 0;
        for (long i = 0; i < queryLength; i++) { // rows before the diagonal starts see nothing
            long first = firstVisibleKey(i), last = lastVisibleKey(i);
            int bs = layout == null ? 0 : layout.blockSize(), pattern = layout == null ? 0 : layout.patternOf(h);
            int from = layout == null ? 0 : layout.firstIndex(pattern, (int) (i / bs));
            int to = layout == null ? 1 : layout.endIndex(pattern, (int) (i / bs));
            for (int at = from; at < to; at++) {
                long lo = first, hi = last;
                if (layout != null) {
                    long kb = layout.keyBlockAt(at);
                    lo = Math.max(first, kb * bs);
                    hi = Math.min(last, kb * bs + bs - 1);
                }
                if (hi < lo) {
                    continue;
                }
                if (general) {
                    for (long j = lo; j <= hi; j++) {
                        pairs += mask.allows(b, h, i, j) ? 1 : 0;
                    }
                } else {
                    pairs += realBefore == null ? hi + 1 - lo : realBefore[(int) hi + 1] - realBefore[(int) lo];
                }
            }
        }
        return pairs;
    }

    /** {@return visible pairs per (batch, head)}, averaged over heads when the layout differs between them */
    public long visiblePairsPerHead() {
        return visiblePairs() / ((long) batch * heads);
    }

    /**
     * FLOPs of the forward pass: {@code 2·(D + Dv)} per visible pair (2·D for Q·Kᵀ, 2·Dv for P·V; 4·D when
     * the value head size equals the key's), all heads.
     *
     * @return the FLOPs, for rates such as GFLOP/s
     */
    public double flops() {
        return 2.0 * (headDim + valueHeadDim) * visiblePairs();
    }

    /**
     * As {@link #flops()}, counting only the pairs {@code mask} lets through.
     *
     * @param mask the call's masks, or null
     * @return the FLOPs
     * @throws IllegalArgumentException when {@code mask} does not fit this spec
     */
    public double flops(AttentionMask mask) {
        return 2.0 * (headDim + valueHeadDim) * visiblePairs(mask);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AttentionSpec s && batch == s.batch && queryLength == s.queryLength
                && keyLength == s.keyLength && heads == s.heads && kvHeads == s.kvHeads
                && headDim == s.headDim && valueHeadDim == s.valueHeadDim && Float.compare(scale, s.scale) == 0 && causal == s.causal
                && windowLeft == s.windowLeft && windowRight() == s.windowRight()
                && Float.compare(softcap, s.softcap) == 0 && java.util.Arrays.equals(alibiSlopes, s.alibiSlopes)
                && layout == s.layout;
    }

    @Override
    public int hashCode() {
        int h = batch;
        h = 31 * h + queryLength;
        h = 31 * h + keyLength;
        h = 31 * h + heads;
        h = 31 * h + kvHeads;
        h = 31 * h + headDim;
        h = 31 * h + valueHeadDim;
        h = 31 * h + Float.floatToIntBits(scale);
        h = 31 * h + windowLeft;
        h = 31 * h + windowRight();
        h = 31 * h + Float.floatToIntBits(softcap);
        h = 31 * h + java.util.Arrays.hashCode(alibiSlopes);
        h = 31 * h + System.identityHashCode(layout);
        return 31 * h + (causal ? 1 : 0);
    }

    @Override
    public String toString() {
        return "AttentionSpec[batch=" + batch + ", queryLength=" + queryLength + ", keyLength=" + keyLength
                + ", heads=" + heads + ", kvHeads=" + kvHeads + ", headDim=" + headDim
                + (valueHeadDim != headDim ? ", valueHeadDim=" + valueHeadDim : "")
                + ", scale=" + scale + ", causal=" + causal
                + (hasWindow() ? ", window=(" + windowLeft + ", " + windowRight() + ")" : "")
                + (softcap > 0 ? ", softcap=" + softcap : "")
                + (alibiSlopes != null ? ", alibi=" + java.util.Arrays.toString(alibiSlopes) : "")
                + (layout != null ? ", " + layout : "") + "]";
    }

    /**
     * Mutable builder; {@link #build()} validates every field and names the one that is wrong. Setters
     * only record their value.
     *
     * @since 0.1
     */
    public static final class Builder {
        private int batch = 1;
        private int queryLength = -1;
        private int keyLength = -1;
        private int heads = 0;
        private int kvHeads;
        private boolean kvHeadsSet;
        private int headDim = 0;
        private int valueHeadDim;
        private boolean valueHeadDimSet;
        private float scale;
        private boolean scaleSet;
        private boolean causal;
        private int windowLeft = -1;
        private int windowRight = -1;
        private float softcap;
        private float[] alibiSlopes;
        private BlockSparseLayout layout;

        private Builder() {}

        /**
         * Batch items; default 1.
         *
         * @param batch at least 1
         * @return this builder
         */
        public Builder batch(int batch) { this.batch = batch; return this; }
        /**
         * Query rows per batch item and head (required, or through {@link #length}).
         *
         * @param queryLength at least 0 (0: a call is a no-op)
         * @return this builder
         */
        public Builder queryLength(int queryLength) { this.queryLength = queryLength; return this; }
        /**
         * Keys per batch item and key/value head (required, or through {@link #length}).
         *
         * @param keyLength at least 0 (0: every row gets {@code O = 0})
         * @return this builder
         */
        public Builder keyLength(int keyLength) { this.keyLength = keyLength; return this; }
        /**
         * Sets both query and key length (self-attention).
         *
         * @param length at least 0
         * @return this builder
         */
        public Builder length(int length) { this.queryLength = length; this.keyLength = length; return this; }
        /**
         * Query heads (required).
         *
         * @param heads at least 1, a multiple of {@link #kvHeads}
         * @return this builder
         */
        public Builder heads(int heads) { this.heads = heads; return this; }
        /**
         * Key/value heads; defaults to {@code heads} (MHA).
         *
         * @param kvHeads a divisor of {@code heads}: GQA, or 1 for MQA
         * @return this builder
         */
        public Builder kvHeads(int kvHeads) { this.kvHeads = kvHeads; this.kvHeadsSet = true; return this; }
        /**
         * Head size of queries and keys (required).
         *
         * @param headDim 1 .. {@link #MAX_HEAD_DIM}
         * @return this builder
         */
        public Builder headDim(int headDim) { this.headDim = headDim; return this; }
        /**
         * Head size of values and of the output; defaults to {@link #headDim}.
         *
         * @param valueHeadDim 1 .. {@link #MAX_HEAD_DIM}
         * @return this builder
         */
        public Builder valueHeadDim(int valueHeadDim) {
            this.valueHeadDim = valueHeadDim;
            this.valueHeadDimSet = true;
            return this;
        }
        /**
         * Softmax scale; defaults to {@code 1/√headDim}.
         *
         * @param scale a finite number
         * @return this builder
         */
        public Builder scale(float scale) { this.scale = scale; this.scaleSet = true; return this; }
        /**
         * Causal masking, bottom-right aligned (see the class doc); default off.
         *
         * @param causal whether query {@code i} sees only keys up to its diagonal
         * @return this builder
         */
        public Builder causal(boolean causal) { this.causal = causal; return this; }
        /**
         * Sliding window: keys visible before and after the diagonal (see the class doc).
         *
         * @param left keys before the diagonal, or −1 for all of them
         * @param right keys after the diagonal, or −1 for all of them (0 or −1 with causal)
         * @return this builder
         */
        public Builder window(int left, int right) { this.windowLeft = left; this.windowRight = right; return this; }
        /**
         * Logit soft-capping {@code c · tanh(s / c)}; 0 (the default) turns it off.
         *
         * @param cap {@code c}: a finite number above 0, or 0
         * @return this builder
         */
        public Builder softcap(float cap) { this.softcap = cap; return this; }
        /**
         * ALiBi: one slope per head (see {@link #standardAlibiSlopes}); null turns it off. Copied.
         *
         * @param slopes one finite slope per query head, or null
         * @return this builder
         */
        public Builder alibiSlopes(float[] slopes) { this.alibiSlopes = slopes == null ? null : slopes.clone(); return this; }
        /**
         * Block-sparse attention over {@code layout}'s active blocks; null for dense.
         *
         * @param layout a layout whose grid covers the lengths, or null
         * @return this builder
         */
        public Builder blockSparse(BlockSparseLayout layout) { this.layout = layout; return this; }

        /**
         * {@return the spec}
         *
         * @throws IllegalArgumentException naming the first value out of range or two that contradict
         *     each other (heads and kvHeads, causal and a right window, a layout and the lengths)
         */
        public AttentionSpec build() {
            return new AttentionSpec(this);
        }
    }
}
