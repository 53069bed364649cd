package org.attention4j.layer;

import org.attention4j.AttentionSpec;

/**
 * The weights of one multi-head attention block, row-major with the input dimension first, so that a
 * projection is a plain product {@code Q = X·W_Q}:
 * <pre>
 *   W_Q [dModel, heads·headDim]      b_Q [heads·headDim]     (optional)
 *   W_K [dModel, kvHeads·headDim]    b_K [kvHeads·headDim]   (optional)
 *   W_V [dModel, kvHeads·Dv]         b_V [kvHeads·Dv]        (optional)
 *   W_O [heads·Dv, dModel]           b_O [dModel]            (optional)
 * </pre>
 * {@code Dv} is the value head size ({@link Builder#valueHeadDim}, default {@code headDim}): it sets the
 * width of V and of the attention output, so of W_V and W_O; queries and keys keep {@code headDim}.
 * Column {@code h·headDim + d} of W_Q is dimension {@code d} of head {@code h} (the layout of PyTorch's
 * {@code view(n, heads, headDim)}). Hugging Face {@code nn.Linear} stores {@code [out, in]}: transpose
 * it first ({@link SafeTensorsWeights} does).
 *
 * <p>{@link Builder#build()} copies W_Q, W_K and W_V side by side into one fused matrix
 * {@code [dModel, heads·headDim + kvHeads·(headDim + Dv)]} (and their biases into one vector), so
 * self-attention projects Q, K and V with a single GEMM that packs X once. The arrays given are not kept.
 *
 * @since 0.1
 */
public final class MultiHeadAttentionWeights {
    private final int dModel;
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final int valueHeadDim;
    private final float[] qkv;      // [dModel, qkvWidth]: W_Q | W_K | W_V
    private final float[] qkvBias;  // [qkvWidth] or null
    private final float[] output;   // [heads·valueHeadDim, dModel]
    private final float[] outputBias; // [dModel] or null

    private MultiHeadAttentionWeights(Builder b) {
        this.dModel = positive("dModel", b.dModel);
        this.heads = positive("heads", b.heads);
        this.kvHeads = positive("kvHeads", b.kvHeads == 0 ? b.heads : b.kvHeads);
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("heads = " + heads + " is not a multiple of kvHeads = " + kvHeads
                    + ": expected heads % kvHeads == 0 (MHA, GQA or MQA)");
        }
        if (b.headDim < 1 || b.headDim > AttentionSpec.MAX_HEAD_DIM) {
            throw new IllegalArgumentException("headDim = " + b.headDim + ": expected 1.." + AttentionSpec.MAX_HEAD_DIM);
        }
        this.headDim = b.headDim;
        int valueDim = b.valueHeadDimSet ? b.valueHeadDim : headDim;
        if (valueDim < 1 || valueDim > AttentionSpec.MAX_HEAD_DIM) {
            throw new IllegalArgumentException("valueHeadDim = " + valueDim + ": expected 1.."
                    + AttentionSpec.MAX_HEAD_DIM);
        }
        this.valueHeadDim = valueDim;
        int q = heads * headDim, kv = kvHeads * headDim, v = kvHeads * valueDim, o = heads * valueDim;
        String dv = valueDim == headDim ? "headDim" : "valueHeadDim"; // messages name the size that sets the length
        requireLength("wQ", b.wq, (long) dModel * q, "dModel·heads·headDim");
        requireLength("wK", b.wk, (long) dModel * kv, "dModel·kvHeads·headDim");
        requireLength("wV", b.wv, (long) dModel * v, "dModel·kvHeads·" + dv);
        requireLength("wO", b.wo, (long) o * dModel, "heads·" + dv + "·dModel");
        requireOptionalLength("bQ", b.bq, q, "heads·headDim");
        requireOptionalLength("bK", b.bk, kv, "kvHeads·headDim");
        requireOptionalLength("bV", b.bv, v, "kvHeads·" + dv);
        requireOptionalLength("bO", b.bo, dModel, "dModel");
        int width = q + kv + v;
        this.qkv = new float[Math.multiplyExact(dModel, width)];
        for (int r = 0; r < dModel; r++) {
            System.arraycopy(b.wq, r * q, qkv, r * width, q);
            System.arraycopy(b.wk, r * kv, qkv, r * width + q, kv);
            System.arraycopy(b.wv, r * v, qkv, r * width + q + kv, v);
        }
        boolean anyBias = b.bq != null || b.bk != null || b.bv != null;
        this.qkvBias = anyBias ? new float[width] : null;
        if (b.bq != null) {
            System.arraycopy(b.bq, 0, qkvBias, 0, q);
        }
        if (b.bk != null) {
            System.arraycopy(b.bk, 0, qkvBias, q, kv);
        }
        if (b.bv != null) {
            System.arraycopy(b.bv, 0, qkvBias, q + kv, v);
        }
        this.output = b.wo.clone();
        this.outputBias = b.bo == null ? null : b.bo.clone();
    }

    private static int positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " = " + value + ": expected >= 1");
        }
        return value;
    }

    private static void requireLength(String name, float[] array, long expected, String formula) {
        if (array == null) {
            throw new IllegalArgumentException(name + " = null: expected " + formula + " = " + expected + " floats");
        }
        requireOptionalLength(name, array, expected, formula);
    }

    private static void requireOptionalLength(String name, float[] array, long expected, String formula) {
        if (array != null && array.length != expected) {
            throw new IllegalArgumentException(name + ".length = " + array.length + ": expected " + formula + " = "
                    + expected);
        }
    }

    /**
     * A builder for weights of {@code heads} heads of dimension {@code headDim} over a model dimension
     * {@code dModel}; {@code kvHeads} defaults to {@code heads}, the value head size to {@code headDim}.
     *
     * @param dModel the model dimension: columns of X and Y
     * @param heads query heads
     * @param headDim head size of queries and keys
     * @return the builder; sizes are checked by {@link Builder#build()}
     */
    public static Builder builder(int dModel, int heads, int headDim) {
        return new Builder(dModel, heads, headDim);
    }

    /** {@return the model dimension: columns of X and Y} */
    public int dModel() { return dModel; }
    /** {@return query heads} */
    public int heads() { return heads; }
    /** {@return key/value heads} */
    public int kvHeads() { return kvHeads; }
    /** {@return head size of queries and keys} (of W_Q's and W_K's heads) */
    public int headDim() { return headDim; }
    /** {@return head size of values and of the attention output} (W_V's and W_O's heads; headDim by default) */
    public int valueHeadDim() { return valueHeadDim; }

    /** {@return columns of the fused Q|K|V projection: {@code heads·headDim + kvHeads·(headDim + valueHeadDim)}} */
    public int qkvWidth() { return (heads + kvHeads) * headDim + kvHeads * valueHeadDim; }

    /**
     * {@return element {@code (row, column)} of W_Q} ({@code row < dModel, column < heads·headDim})
     *
     * @param row the row
     * @param column the column
     */
    public float query(int row, int column) { return qkv[row * qkvWidth() + column]; }

    /**
     * {@return element {@code (row, column)} of W_K} ({@code row < dModel, column < kvHeads·headDim})
     *
     * @param row the row
     * @param column the column
     */
    public float key(int row, int column) { return qkv[row * qkvWidth() + heads * headDim + column]; }

    /**
     * {@return element {@code (row, column)} of W_V} ({@code row < dModel, column < kvHeads·valueHeadDim})
     *
     * @param row the row
     * @param column the column
     */
    public float value(int row, int column) {
        return qkv[row * qkvWidth() + (heads + kvHeads) * headDim + column];
    }

    /**
     * {@return element {@code (row, column)} of W_O} ({@code row < heads·valueHeadDim, column < dModel})
     *
     * @param row the row
     * @param column the column
     */
    public float output(int row, int column) { return output[row * dModel + column]; }

    /**
     * {@return the bias of fused column {@code column}} (Q, then K, then V columns); 0 without biases
     *
     * @param column {@code column < qkvWidth()}
     */
    public float qkvBias(int column) { return qkvBias == null ? 0 : qkvBias[column]; }

    /**
     * {@return the bias of output column {@code column}}; 0 without one
     *
     * @param column {@code column < dModel}
     */
    public float outputBias(int column) { return outputBias == null ? 0 : outputBias[column]; }

    // Package-private: the layer reads the arrays directly; they never leave the package.
    float[] qkvMatrix() { return qkv; }
    float[] qkvBiasVector() { return qkvBias; }
    float[] outputMatrix() { return output; }
    float[] outputBiasVector() { return outputBias; }

    @Override
    public String toString() {
        return "MultiHeadAttentionWeights[dModel=" + dModel + ", heads=" + heads + ", kvHeads=" + kvHeads + ", headDim="
                + headDim + (valueHeadDim != headDim ? ", valueHeadDim=" + valueHeadDim : "") + ", biases="
                + (qkvBias != null || outputBias != null) + "]";
    }

    /**
     * Collects the matrices and optional biases; {@link #build()} checks every length and names the wrong one.
     *
     * @since 0.1
     */
    public static final class Builder {
        private final int dModel;
        private final int heads;
        private final int headDim;
        private int kvHeads;
        private int valueHeadDim;
        private boolean valueHeadDimSet;
        private float[] wq, wk, wv, wo, bq, bk, bv, bo;

        private Builder(int dModel, int heads, int headDim) {
            this.dModel = dModel;
            this.heads = heads;
            this.headDim = headDim;
        }

        /**
         * Key/value heads (GQA when a divisor of heads, MQA when 1); default: heads.
         *
         * @param kvHeads a divisor of heads
         * @return this builder
         */
        public Builder kvHeads(int kvHeads) { this.kvHeads = kvHeads; return this; }

        /**
         * Head size of values and of the attention output; default headDim.
         *
         * @param valueHeadDim 1 .. {@link AttentionSpec#MAX_HEAD_DIM}
         * @return this builder
         */
        public Builder valueHeadDim(int valueHeadDim) {
            this.valueHeadDim = valueHeadDim;
            this.valueHeadDimSet = true;
            return this;
        }

        /**
         * W_Q and b_Q.
         *
         * @param weight {@code [dModel, heads·headDim]}, row-major; copied by {@link #build()}
         * @param bias {@code [heads·headDim]}, or null for none
         * @return this builder
         */
        public Builder query(float[] weight, float[] bias) { this.wq = weight; this.bq = bias; return this; }

        /**
         * W_K and b_K.
         *
         * @param weight {@code [dModel, kvHeads·headDim]}, row-major; copied by {@link #build()}
         * @param bias {@code [kvHeads·headDim]}, or null for none
         * @return this builder
         */
        public Builder key(float[] weight, float[] bias) { this.wk = weight; this.bk = bias; return this; }

        /**
         * W_V and b_V.
         *
         * @param weight {@code [dModel, kvHeads·valueHeadDim]}, row-major; copied by {@link #build()}
         * @param bias {@code [kvHeads·valueHeadDim]}, or null for none
         * @return this builder
         */
        public Builder value(float[] weight, float[] bias) { this.wv = weight; this.bv = bias; return this; }

        /**
         * W_O and b_O.
         *
         * @param weight {@code [heads·valueHeadDim, dModel]}, row-major; copied by {@link #build()}
         * @param bias {@code [dModel]}, or null for none
         * @return this builder
         */
        public Builder output(float[] weight, float[] bias) { this.wo = weight; this.bo = bias; return this; }

        /**
         * {@return the weights}, W_Q, W_K and W_V fused into one matrix
         *
         * @throws IllegalArgumentException naming the first size or array length that is wrong
         */
        public MultiHeadAttentionWeights build() {
            return new MultiHeadAttentionWeights(this);
        }
    }
}
