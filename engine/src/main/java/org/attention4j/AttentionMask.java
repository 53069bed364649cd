package org.attention4j;

/**
 * Masks of one forward call, on top of the spec's causal mask, window and block-sparse layout:
 * <ul>
 *   <li>a <b>key-padding</b> mask {@code [batch, keyLength]}: {@code true} marks a padded key that no
 *       query may see (PyTorch's {@code key_padding_mask} convention); O(batch · keyLength) memory;</li>
 *   <li>a general mask {@code [batch|1, heads|1, queryLength, keyLength]} (row-major, broadcast over a
 *       dimension of size 1), either <b>boolean</b> ({@code true} = may attend, the convention of
 *       PyTorch's {@code scaled_dot_product_attention}) or <b>additive</b> float, added to the scaled
 *       scores (−∞ hides a pair).</li>
 * </ul>
 * At most one of each kind; {@link #and} combines a key-padding mask with a general one. The arrays are
 * not copied: they must not change while a call uses them. A query row left with no visible key gets
 * {@code O = 0} and log-sum-exp −∞, as everywhere in the engine. Tiles that a mask hides entirely are
 * skipped, not computed.
 *
 * @since 0.1
 */
public final class AttentionMask {
    private final boolean[] keyPadded;
    private final int paddingBatch;
    private final int paddingKeys;
    private final boolean[] allowed;
    private final float[] additive;
    private final int maskBatch;
    private final int maskHeads;
    private final int maskQueries;
    private final int maskKeys;

    private AttentionMask(boolean[] keyPadded, int paddingBatch, int paddingKeys, boolean[] allowed, float[] additive,
                          int maskBatch, int maskHeads, int maskQueries, int maskKeys) {
        this.keyPadded = keyPadded;
        this.paddingBatch = paddingBatch;
        this.paddingKeys = paddingKeys;
        this.allowed = allowed;
        this.additive = additive;
        this.maskBatch = maskBatch;
        this.maskHeads = maskHeads;
        this.maskQueries = maskQueries;
        this.maskKeys = maskKeys;
    }

    /**
     * A key-padding mask: {@code padded[b · keyLength + j]} true means key {@code j} of batch item
     * {@code b} is padding.
     *
     * @param padded {@code [batch, keyLength]}, row-major; not copied
     * @param batch the spec's batch size
     * @param keyLength the spec's key length
     * @return the mask
     * @throws IllegalArgumentException when {@code padded} is null or not {@code batch · keyLength} long
     */
    public static AttentionMask keyPadding(boolean[] padded, int batch, int keyLength) {
        requireLength("key padding mask", padded == null ? -1 : padded.length, (long) batch * keyLength,
                "[batch " + batch + ", keyLength " + keyLength + "]");
        return new AttentionMask(padded, batch, keyLength, null, null, 0, 0, 0, 0);
    }

    /**
     * Key padding from the number of real keys of each batch item: keys at or after {@code lengths[b]}
     * are padding (right-padded batches, as tokenizers produce them).
     *
     * @param lengths one length per batch item, each {@code 0 .. keyLength}
     * @param keyLength the spec's key length
     * @return the mask, over a new {@code boolean[]}
     * @throws IllegalArgumentException when {@code lengths} is null or a length is out of range
     */
    public static AttentionMask keyLengths(int[] lengths, int keyLength) {
        if (lengths == null) {
            throw new IllegalArgumentException("key lengths = null: expected one length per batch item");
        }
        boolean[] padded = new boolean[lengths.length * keyLength];
        for (int b = 0; b < lengths.length; b++) {
            if (lengths[b] < 0 || lengths[b] > keyLength) {
                throw new IllegalArgumentException("key length of batch item " + b + " = " + lengths[b]
                        + ": expected 0.." + keyLength);
            }
            for (int j = lengths[b]; j < keyLength; j++) {
                padded[b * keyLength + j] = true;
            }
        }
        return keyPadding(padded, lengths.length, keyLength);
    }

    /**
     * A boolean mask, {@code true} = may attend, of shape {@code [batch, heads, queryLength, keyLength]};
     * a batch or heads of 1 broadcasts over the spec's.
     *
     * @param allowed the mask, row-major; not copied
     * @param batch the spec's batch size, or 1
     * @param heads the spec's query heads, or 1
     * @param queryLength the spec's query length
     * @param keyLength the spec's key length
     * @return the mask
     * @throws IllegalArgumentException when {@code allowed} is null or its length does not match the shape
     */
    public static AttentionMask allowed(boolean[] allowed, int batch, int heads, int queryLength, int keyLength) {
        requireLength("boolean mask", allowed == null ? -1 : allowed.length,
                (long) batch * heads * queryLength * keyLength, shape(batch, heads, queryLength, keyLength));
        return new AttentionMask(null, 0, 0, allowed, null, batch, heads, queryLength, keyLength);
    }

    /**
     * An additive mask of shape {@code [batch, heads, queryLength, keyLength]} (1 broadcasts), added to the
     * scaled scores; −∞ hides a pair. NaN and +∞ are rejected (checked once, here).
     *
     * @param bias the mask, row-major; not copied
     * @param batch the spec's batch size, or 1
     * @param heads the spec's query heads, or 1
     * @param queryLength the spec's query length
     * @param keyLength the spec's key length
     * @return the mask
     * @throws IllegalArgumentException when {@code bias} is null, its length does not match the shape, or
     *     an element is NaN or +∞
     */
    public static AttentionMask additive(float[] bias, int batch, int heads, int queryLength, int keyLength) {
        requireLength("additive mask", bias == null ? -1 : bias.length, (long) batch * heads * queryLength * keyLength,
                shape(batch, heads, queryLength, keyLength));
        for (int i = 0; i < bias.length; i++) {
            if (Float.isNaN(bias[i]) || bias[i] == Float.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("additive mask element " + i + " = " + bias[i]
                        + ": expected a finite number or -Infinity");
            }
        }
        return new AttentionMask(null, 0, 0, null, bias, batch, heads, queryLength, keyLength);
    }

    /**
     * Both masks: a pair is visible only when each allows it. At most one key-padding and one general mask.
     *
     * @param other the mask of the other kind
     * @return a mask holding both (no array is copied)
     * @throws IllegalArgumentException when both have a key-padding mask or both a general one
     */
    public AttentionMask and(AttentionMask other) {
        if ((keyPadded != null && other.keyPadded != null) || (hasGeneralMask() && other.hasGeneralMask())) {
            throw new IllegalArgumentException("combining two masks of the same kind: expected at most one key-padding"
                    + " mask and one boolean or additive mask");
        }
        AttentionMask p = keyPadded != null ? this : other, g = hasGeneralMask() ? this : other;
        return new AttentionMask(p.keyPadded, p.paddingBatch, p.paddingKeys, g.allowed, g.additive, g.maskBatch,
                g.maskHeads, g.maskQueries, g.maskKeys);
    }

    /** {@return true when this mask holds a key-padding mask} */
    public boolean hasKeyPadding() { return keyPadded != null; }
    /** {@return true when this mask holds a boolean or additive mask} */
    public boolean hasGeneralMask() { return allowed != null || additive != null; }
    /** {@return true for an additive (float) general mask} */
    public boolean isAdditive() { return additive != null; }

    /**
     * Checks that the masks fit {@code spec}: batch and heads equal or 1, lengths equal. The engine calls
     * it before any work.
     *
     * @param spec the call's spec
     * @throws IllegalArgumentException naming the mask and both shapes when it does not fit
     */
    public void checkFits(AttentionSpec spec) {
        if (keyPadded != null && (paddingBatch != spec.batch() || paddingKeys != spec.keyLength())) {
            throw new IllegalArgumentException("key padding mask [" + paddingBatch + ", " + paddingKeys + "]: expected ["
                    + spec.batch() + ", " + spec.keyLength() + "] (batch, keyLength)");
        }
        if (hasGeneralMask() && ((maskBatch != 1 && maskBatch != spec.batch())
                || (maskHeads != 1 && maskHeads != spec.heads())
                || maskQueries != spec.queryLength() || maskKeys != spec.keyLength())) {
            throw new IllegalArgumentException((isAdditive() ? "additive" : "boolean") + " mask "
                    + shape(maskBatch, maskHeads, maskQueries, maskKeys) + " is not broadcastable to "
                    + shape(spec.batch(), spec.heads(), spec.queryLength(), spec.keyLength())
                    + ": expected [" + spec.batch() + " or 1, " + spec.heads() + " or 1, " + spec.queryLength()
                    + ", " + spec.keyLength() + "]");
        }
    }

    /**
     * {@return whether key {@code j} of batch item {@code b} is padding}
     *
     * @param b the batch item
     * @param j the key index
     */
    public boolean isPadded(int b, long j) {
        return keyPadded != null && keyPadded[(int) (b * (long) paddingKeys + j)];
    }

    /**
     * {@return the index of element (b, h, i, 0) of the general mask}, with broadcasting; valid only when
     * {@link #hasGeneralMask()}. For the kernels, which read a row of the mask from there.
     *
     * @param b the batch item
     * @param h the query head
     * @param i the query index
     */
    public long generalIndex(int b, int h, long i) {
        int mb = maskBatch == 1 ? 0 : b, mh = maskHeads == 1 ? 0 : h;
        return (((long) mb * maskHeads + mh) * maskQueries + i) * maskKeys;
    }

    /**
     * {@return the general mask's value at {@code index}}: 0 or −∞ for a boolean mask, the bias for an
     * additive one.
     *
     * @param index an index from {@link #generalIndex} plus a key index
     */
    public float biasAt(long index) {
        if (additive != null) {
            return additive[(int) index];
        }
        return allowed[(int) index] ? 0f : Float.NEGATIVE_INFINITY;
    }

    /**
     * {@return whether the general mask lets the pair at {@code index} through} (true when there is none)
     *
     * @param index an index from {@link #generalIndex} plus a key index
     */
    public boolean allowsAt(long index) {
        if (additive != null) {
            return additive[(int) index] != Float.NEGATIVE_INFINITY;
        }
        return allowed == null || allowed[(int) index];
    }

    /**
     * {@return whether both masks let the pair (b, h, i, j) through}: the general mask allows it and key
     * {@code j} is not padding.
     *
     * @param b the batch item
     * @param h the query head
     * @param i the query index
     * @param j the key index
     */
    public boolean allows(int b, int h, long i, long j) {
        return !isPadded(b, j) && (!hasGeneralMask() || allowsAt(generalIndex(b, h, i) + j));
    }

    @Override
    public String toString() {
        return "AttentionMask[" + (keyPadded != null ? "keyPadding [" + paddingBatch + ", " + paddingKeys + "]" : "")
                + (keyPadded != null && hasGeneralMask() ? ", " : "")
                + (hasGeneralMask() ? (isAdditive() ? "additive " : "boolean ")
                        + shape(maskBatch, maskHeads, maskQueries, maskKeys) : "") + "]";
    }

    private static String shape(int batch, int heads, int queries, int keys) {
        return "[" + batch + ", " + heads + ", " + queries + ", " + keys + "]";
    }

    private static void requireLength(String name, long length, long expected, String shape) {
        if (expected < 0 || expected > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(name + " of shape " + shape + ": expected fewer than 2^31 elements");
        }
        if (length < 0) {
            throw new IllegalArgumentException(name + " = null: expected an array of " + expected + " elements " + shape);
        }
        if (length != expected) {
            throw new IllegalArgumentException(name + " has " + length + " elements: expected " + expected + " for shape "
                    + shape);
        }
    }
}
