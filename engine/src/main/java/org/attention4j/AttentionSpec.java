package org.attention4j;

/**
 * The shape and options of one attention problem: {@code O = softmax(Q·Kᵀ·scale + mask)·V}.
 *
 * <p>Q and O are {@code [batch, queryLength, heads, headDim]}; K and V are
 * {@code [batch, keyLength, kvHeads, headDim]}. {@code heads % kvHeads == 0}: query head {@code h} reads
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
 * <p>Instances are immutable and validated on construction; build them with {@link #builder()}.
 */
public final class AttentionSpec {
    /** Largest supported head dimension. */
    public static final int MAX_HEAD_DIM = 256;

    private final int batch;
    private final int queryLength;
    private final int keyLength;
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final float scale;
    private final boolean causal;
    private final int windowLeft;
    private final int windowRight;

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
    }

    private static int requireAtLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " = " + value + ": expected >= " + min);
        }
        return value;
    }

    /** A builder with batch 1, no heads set, scale 1/√headDim, not causal. */
    public static Builder builder() {
        return new Builder();
    }

    /** Self-attention ({@code queryLength == keyLength}, MHA) with the default scale. */
    public static AttentionSpec of(int batch, int length, int heads, int headDim, boolean causal) {
        return builder().batch(batch).queryLength(length).keyLength(length)
                .heads(heads).headDim(headDim).causal(causal).build();
    }

    /** A builder pre-filled with this spec's values. */
    public Builder toBuilder() {
        return new Builder().batch(batch).queryLength(queryLength).keyLength(keyLength)
                .heads(heads).kvHeads(kvHeads).headDim(headDim).scale(scale).causal(causal)
                .window(windowLeft, windowRight);
    }

    public int batch() { return batch; }
    public int queryLength() { return queryLength; }
    public int keyLength() { return keyLength; }
    public int heads() { return heads; }
    public int kvHeads() { return kvHeads; }
    public int headDim() { return headDim; }
    public float scale() { return scale; }
    public boolean causal() { return causal; }
    /** Keys visible before the diagonal, or −1 for all of them. */
    public int windowLeft() { return windowLeft; }
    /** Keys visible after the diagonal, or −1 for all of them (0 when causal). */
    public int windowRight() { return causal ? 0 : windowRight; }
    /** True when a sliding window bounds either side. */
    public boolean hasWindow() { return windowLeft >= 0 || windowRight >= 0; }

    /** Query heads that share one key/value head. */
    public int groupSize() { return heads / kvHeads; }

    /**
     * The last key index query {@code i} may see (negative: none), following the bottom-right causal
     * rule; {@code keyLength - 1} when not causal.
     */
    public long lastVisibleKey(long queryIndex) {
        long last = keyLength - 1L;
        int right = windowRight();
        return right >= 0 ? Math.min(last, queryIndex + keyLength - queryLength + right) : last;
    }

    /**
     * The first key index query {@code i} may see (0 without a left window); the row sees nothing when
     * it is above {@link #lastVisibleKey}.
     */
    public long firstVisibleKey(long queryIndex) {
        return windowLeft >= 0 ? Math.max(0, queryIndex + keyLength - queryLength - windowLeft) : 0;
    }

    /** Query–key pairs that are not masked, per (batch, head). */
    public long visiblePairsPerHead() {
        long pairs = 0;
        if (!causal && !hasWindow()) {
            return (long) queryLength * keyLength;
        }
        // Rows before the diagonal starts see nothing; others see first .. last.
        for (long i = 0; i < queryLength; i++) {
            pairs += Math.max(0, lastVisibleKey(i) + 1 - firstVisibleKey(i));
        }
        return pairs;
    }

    /** FLOPs of the forward pass: 4·D per visible pair (2 for Q·Kᵀ, 2 for P·V), all heads. */
    public double flops() {
        return 4.0 * headDim * visiblePairsPerHead() * heads * batch;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AttentionSpec s && batch == s.batch && queryLength == s.queryLength
                && keyLength == s.keyLength && heads == s.heads && kvHeads == s.kvHeads
                && headDim == s.headDim && Float.compare(scale, s.scale) == 0 && causal == s.causal
                && windowLeft == s.windowLeft && windowRight() == s.windowRight();
    }

    @Override
    public int hashCode() {
        int h = batch;
        h = 31 * h + queryLength;
        h = 31 * h + keyLength;
        h = 31 * h + heads;
        h = 31 * h + kvHeads;
        h = 31 * h + headDim;
        h = 31 * h + Float.floatToIntBits(scale);
        h = 31 * h + windowLeft;
        h = 31 * h + windowRight();
        return 31 * h + (causal ? 1 : 0);
    }

    @Override
    public String toString() {
        return "AttentionSpec[batch=" + batch + ", queryLength=" + queryLength + ", keyLength=" + keyLength
                + ", heads=" + heads + ", kvHeads=" + kvHeads + ", headDim=" + headDim
                + ", scale=" + scale + ", causal=" + causal
                + (hasWindow() ? ", window=(" + windowLeft + ", " + windowRight() + ")" : "") + "]";
    }

    /** Mutable builder; {@link #build()} validates every field and names the one that is wrong. */
    public static final class Builder {
        private int batch = 1;
        private int queryLength = -1;
        private int keyLength = -1;
        private int heads = 0;
        private int kvHeads;
        private boolean kvHeadsSet;
        private int headDim = 0;
        private float scale;
        private boolean scaleSet;
        private boolean causal;
        private int windowLeft = -1;
        private int windowRight = -1;

        private Builder() {}

        public Builder batch(int batch) { this.batch = batch; return this; }
        public Builder queryLength(int queryLength) { this.queryLength = queryLength; return this; }
        public Builder keyLength(int keyLength) { this.keyLength = keyLength; return this; }
        /** Sets both query and key length (self-attention). */
        public Builder length(int length) { this.queryLength = length; this.keyLength = length; return this; }
        public Builder heads(int heads) { this.heads = heads; return this; }
        /** Key/value heads; defaults to {@code heads} (MHA). */
        public Builder kvHeads(int kvHeads) { this.kvHeads = kvHeads; this.kvHeadsSet = true; return this; }
        public Builder headDim(int headDim) { this.headDim = headDim; return this; }
        /** Softmax scale; defaults to {@code 1/√headDim}. */
        public Builder scale(float scale) { this.scale = scale; this.scaleSet = true; return this; }
        public Builder causal(boolean causal) { this.causal = causal; return this; }
        /** Sliding window: keys visible before and after the diagonal, −1 = unbounded (see class doc). */
        public Builder window(int left, int right) { this.windowLeft = left; this.windowRight = right; return this; }

        public AttentionSpec build() {
            return new AttentionSpec(this);
        }
    }
}
