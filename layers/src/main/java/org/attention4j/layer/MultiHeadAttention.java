package org.attention4j.layer;

import java.util.function.Consumer;
import org.attention4j.AttentionEngine;
import org.attention4j.AttentionMask;
import org.attention4j.AttentionSpec;
import org.attention4j.ElementType;
import org.attention4j.KvCache;
import org.attention4j.Tensor;

/**
 * A multi-head attention layer: {@code Y = Attention(X_q·W_Q + b_Q, X_kv·W_K + b_K, X_kv·W_V + b_V)·W_O + b_O},
 * with the heads split as in "Attention is all you need" (MHA), or sharing key/value heads (GQA, MQA).
 *
 * <pre>{@code
 * MultiHeadAttentionWeights w = MultiHeadAttentionWeights.builder(768, 12, 64).query(wq, bq).key(wk, bk)
 *         .value(wv, bv).output(wo, bo).build();
 * try (MultiHeadAttention layer = MultiHeadAttention.builder(w).causal(true).threads(2).build()) {
 *     layer.forward(x, n, y);                        // self-attention, x and y [n, 768]
 * }
 * }</pre>
 *
 * <p>Data flow of one call, all row-major {@code float[]}:
 * <ol>
 *   <li>optional absolute {@link PositionalEncoding} added to a copy of X (the caller's X is not changed);
 *   <li>Q, K, V projected by {@link Gemm}: one GEMM over the fused {@code [dModel, H·D + Hkv·(D + Dv)]}
 *       matrix for self-attention, two (Q; K|V) for cross-attention ({@code Dv}: the weights' value head
 *       size, {@code D} unless set);
 *   <li>optional {@link RotaryEmbedding} applied to Q and K in place;
 *   <li>{@link AttentionEngine#forward} on tensor views straight over the projection buffer (a row of
 *       the buffer is a token, its columns the heads: BSHD with strides, no copy);
 *   <li>{@code Y = O·W_O + b_O} (O is {@code [rows, H·Dv]}), written into the caller's {@code y}.
 * </ol>
 * Kernel options (causal, sliding window, scale, and whatever {@link AttentionSpec.Builder} gains later)
 * pass through {@link Builder#kernelOptions}: the layer applies them to the spec builder of every call,
 * then sets the shape (batch, lengths, heads, head dimensions) from the weights and the call.
 *
 * <p>Positions: row {@code i} of the queries is at position {@code queryPosition + i}, row {@code j} of
 * the keys at {@code keyPosition + j} (each batch item restarts there). Self-attention uses one offset
 * for both, so a sequence continued in chunks keeps its positions.
 *
 * <p>Incremental decoding (a causal layer): {@link #forward(int, float[], int, float[], KvCache)} projects
 * only the new tokens, appends their keys and values to a {@link KvCache} ({@link #newCache}) and attends
 * their queries to every position the cache holds; a prompt is one call (prefill), then each generated
 * token one call of length 1 (decode), equal to running the whole sequence again each step.
 *
 * <p>The layer packs W_QKV and W_O once for its {@link Gemm} ({@link Gemm#pack}), so self-attention calls
 * skip packing them: that copy holds as many floats as the weights.
 *
 * <p>Thread-safe; after warm-up a call on one thread allocates nothing: scratch buffers (grown only,
 * {@link #scratchBytes}) are pooled per concurrent call, and the attention spec and tensor views of the
 * last shape are kept with them. Every argument is checked before anything is written: a bad one throws
 * {@link IllegalArgumentException} naming it, its value and what was expected. {@code y} may be the
 * same array as {@code x} (every read of X ends before Y is written). A {@link KvCache} is one sequence's
 * state and not thread-safe: calls with different caches may run at once, calls with the same one may not.
 *
 * @since 0.1
 */
public final class MultiHeadAttention implements AutoCloseable {
    private final MultiHeadAttentionWeights weights;
    private final Consumer<AttentionSpec.Builder> kernelOptions;
    private final PositionalEncoding positions;
    private final RotaryEmbedding rope;
    private final AttentionEngine engine;
    private final Gemm gemm;
    private final boolean ownsEngine, ownsGemm;
    /** W_QKV and W_O packed once for the Gemm (self-attention skips packing them in every call). */
    private final Gemm.PackedMatrix packedQkv, packedOutput;
    private final LayerBuffers.Pool pool = new LayerBuffers.Pool();
    /** Why the kernel options rule out a {@link KvCache}, or null when they allow one. */
    private final String cacheRefusal;

    private MultiHeadAttention(Builder b) {
        this.weights = b.weights;
        this.kernelOptions = b.kernelOptions;
        this.positions = b.positions;
        this.rope = b.rope;
        if (positions != null && positions.dModel() != weights.dModel()) {
            throw new IllegalArgumentException("positional encoding dModel = " + positions.dModel()
                    + ": expected the weights' dModel = " + weights.dModel());
        }
        if (rope != null && rope.headDim() != weights.headDim()) {
            throw new IllegalArgumentException("rope headDim = " + rope.headDim() + ": expected the weights' headDim = "
                    + weights.headDim());
        }
        // Kernel options that contradict each other fail here, not at the first call.
        this.cacheRefusal = cacheRefusal(attentionSpec(1, 1, 1));
        this.ownsEngine = b.engine == null;
        this.ownsGemm = b.gemm == null;
        this.engine = ownsEngine ? AttentionEngine.create(b.threads) : b.engine;
        this.gemm = ownsGemm ? Gemm.create(b.threads) : b.gemm;
        int d = weights.dModel(), width = weights.qkvWidth(), attended = weights.heads() * weights.valueHeadDim();
        this.packedQkv = gemm.pack(weights.qkvMatrix(), 0, width, d, width);
        this.packedOutput = gemm.pack(weights.outputMatrix(), 0, d, attended, d);
    }

    /**
     * {@return a builder for a layer with these weights}
     *
     * @param weights the projections; not copied (the layer packs its own copy of W_QKV and W_O)
     * @throws IllegalArgumentException when {@code weights} is null
     */
    public static Builder builder(MultiHeadAttentionWeights weights) {
        return new Builder(weights);
    }

    /** {@return the layer's weights} */
    public MultiHeadAttentionWeights weights() {
        return weights;
    }

    /**
     * Self-attention on one sequence: {@code x} and {@code y} are {@code [length, dModel]}; positions from 0.
     *
     * @param x the input rows
     * @param length tokens
     * @param y the output rows, written; may be {@code x}
     * @throws IllegalArgumentException naming the first argument that does not fit (nothing is written)
     */
    public void forward(float[] x, int length, float[] y) {
        forward(1, x, length, y, 0);
    }

    /**
     * Self-attention on a batch: {@code x} and {@code y} are {@code [batch, length, dModel]}; each sequence's
     * rows are at positions {@code position, position + 1, …} (non-zero to continue a sequence).
     *
     * @param batch sequences
     * @param x the input rows
     * @param length tokens per sequence
     * @param y the output rows, written; may be {@code x}
     * @param position the position of each sequence's first row
     * @throws IllegalArgumentException naming the first argument that does not fit (nothing is written)
     */
    public void forward(int batch, float[] x, int length, float[] y, long position) {
        run(batch, x, length, position, x, length, position, y, true, null);
    }

    /**
     * Self-attention on a batch under a call's {@link AttentionMask} (key padding, boolean or additive
     * mask), passed through to the kernel; the mask must fit {@code [batch, heads, length, length]}.
     *
     * @param batch sequences
     * @param x the input rows
     * @param length tokens per sequence
     * @param y the output rows, written; may be {@code x}
     * @param position the position of each sequence's first row
     * @param mask the call's masks, or null
     * @throws IllegalArgumentException naming the first argument that does not fit (nothing is written)
     */
    public void forward(int batch, float[] x, int length, float[] y, long position, AttentionMask mask) {
        run(batch, x, length, position, x, length, position, y, true, mask);
    }

    /**
     * Self-attention on a packed batch of sequences of different lengths, without padding (the engine's
     * {@link AttentionEngine#forwardVarlen}): sequence {@code s} is rows {@code cuSeqlens[s] .. cuSeqlens[s + 1]}
     * of {@code x} and {@code y} ({@code [total, dModel]}, {@code total = cuSeqlens[last]}), attends only
     * within itself, and its positions start at 0. The projections run over all rows at once, so the
     * work is proportional to the real tokens. A call's mask does not apply here.
     *
     * @param x the packed input rows
     * @param cuSeqlens cumulative sequence lengths: {@code sequences + 1} offsets from 0
     * @param y the packed output rows, written; may be {@code x}
     * @throws IllegalArgumentException when the offsets do not start at 0, decrease, or a sequence reaches
     *         past the positional encoding's table, or an array is too short (nothing is written)
     */
    public void forwardVarlen(float[] x, int[] cuSeqlens, float[] y) {
        PositionalEncoding table = positions;
        LayerArguments.checkOffsets(cuSeqlens, table == null ? Long.MAX_VALUE : table.positionLimit());
        int total = cuSeqlens[cuSeqlens.length - 1];
        LayerArguments.check(this, 1, x, total, 0, x, total, 0, y);
        LayerBuffers buffers = pool.acquire();
        try {
            prepare(buffers, true, 1, total, total);
            float[] rows = x;
            if (positions != null) { // each sequence from position 0
                int d = weights.dModel();
                rows = buffers.queryInput;
                System.arraycopy(x, 0, rows, 0, total * d);
                for (int s = 0; s + 1 < cuSeqlens.length; s++) {
                    positions.addTo(rows, cuSeqlens[s] * d, cuSeqlens[s + 1] - cuSeqlens[s], 0);
                }
            }
            project(buffers, true, 1, rows, total, rows, total);
            if (rope != null) {
                for (int s = 0; s + 1 < cuSeqlens.length; s++) {
                    int first = cuSeqlens[s], length = cuSeqlens[s + 1] - first;
                    rope.apply(buffers.projections, (int) buffers.q.index(0, first, 0), length,
                            (int) buffers.q.seqStride(), weights.heads(), 0);
                    rope.apply(buffers.projections, (int) buffers.k.index(0, first, 0), length,
                            (int) buffers.k.seqStride(), weights.kvHeads(), 0);
                }
            }
            engine.forwardVarlen(buffers.spec, cuSeqlens, cuSeqlens, buffers.q, buffers.k, buffers.v, buffers.out,
                    null);
            multiplyPlusBias(total, buffers.attended, packedOutput, weights.outputBiasVector(), y);
        } finally {
            pool.release(buffers);
        }
    }

    /**
     * {@return an empty cache for this layer's keys and values}, in Java arrays: {@code kvHeads},
     * {@code headDim} and {@code valueHeadDim} from the weights. (A cache built with
     * {@link KvCache#builder()} of that shape, e.g. in native memory, works as well.)
     *
     * @param batch sequences decoded together, at least 1
     * @param capacity positions it holds at most (prompt and generated tokens), at least 1
     * @param type how keys and values are stored: {@link ElementType#FLOAT32} keeps them exact
     * @throws IllegalStateException when the layer cannot run against a cache (not causal, or a
     *         block-sparse layout)
     * @throws IllegalArgumentException when {@code batch} or {@code capacity} is below 1 or the cache would
     *         not fit Java arrays
     */
    public KvCache newCache(int batch, int capacity, ElementType type) {
        requireCacheable();
        return KvCache.builder().batch(batch).kvHeads(weights.kvHeads()).headDim(weights.headDim())
                .valueHeadDim(weights.valueHeadDim()).capacity(capacity).type(type).build();
    }

    /**
     * Self-attention of {@code length} new tokens per sequence against a {@link KvCache}: the prefill of a
     * prompt, or a decode step ({@code length = 1}). The new rows {@code x [batch, length, dModel]} are at
     * positions {@code p = cache.length() .. p + length − 1} (for the positional encoding and RoPE); their
     * keys and values are appended to the cache (rotated, converted to its type), then their queries attend
     * to all {@code p + length} positions of it under the layer's causal mask (bottom-right aligned: new
     * token {@code i} sees the cache and new tokens up to itself) and window, and {@code y} gets their
     * output. With a float32 cache, a sequence fed in any split equals one
     * {@link #forward(int, float[], int, float[], long) forward} over the whole of it, to float32 rounding.
     *
     * <p>Every sequence of the batch is at the same position. A decode step allocates nothing once the
     * layer is warm and the cache has held that length before (the cache keeps one spec per length); a
     * call of more than one token builds its spec. Either the call completes or the cache keeps its length.
     *
     * @param batch sequences: the cache's batch
     * @param x the new rows, {@code [batch, length, dModel]}
     * @param length new tokens per sequence ({@code 0}: nothing is appended or written)
     * @param y the output rows {@code [batch, length, dModel]}, written; may be {@code x}
     * @param cache the keys and values of the earlier positions, appended to
     * @throws IllegalStateException when the layer cannot run against a cache: not causal (without the
     *         causal mask a token sees later ones, so no prefix of a sequence is final), or a block-sparse
     *         layout (its blocks count queries from each call's first row)
     * @throws IllegalArgumentException naming the first argument that does not fit: the cache's shape is
     *         not the weights' or its batch not {@code batch}, it has no room for {@code length} positions,
     *         a position reaches past the positional encoding's table, an array is too short, or a key or
     *         value cannot be stored in the cache's type (float16 beyond ±65504, int8 of a non-finite value);
     *         nothing is written to {@code y} and the cache keeps its length
     */
    public void forward(int batch, float[] x, int length, float[] y, KvCache cache) {
        requireCacheable();
        LayerArguments.checkCache(this, batch, x, length, y, cache);
        if (length == 0) {
            return;
        }
        long position = cache.length();
        LayerBuffers buffers = pool.acquire();
        try {
            prepare(buffers, true, batch, length, length); // the new tokens' Q, K, V as self-attention's
            float[] rows = withPositions(x, batch, length, position, buffers, true);
            project(buffers, true, batch, rows, length, rows, length);
            if (rope != null) {
                rotate(buffers, batch, length, position, length, position);
            }
            cache.append(buffers.k, buffers.v, length);
            boolean done = false;
            try {
                // Decode steps take the cache's spec of each length, built once. A longer call builds its own:
                // the cache keeps the specs of one base, and a prefill's would evict the decode steps'.
                AttentionSpec spec = length == 1 ? cache.spec(buffers.spec)
                        : buffers.spec.toBuilder().keyLength(cache.length()).build();
                engine.forward(spec, buffers.q, cache.keys(), cache.values(), buffers.out, null, null, Long.MAX_VALUE);
                multiplyPlusBias(batch * length, buffers.attended, packedOutput, weights.outputBiasVector(), y);
                done = true;
            } finally {
                if (!done) {
                    cache.truncate((int) position);
                }
            }
        } finally {
            pool.release(buffers);
        }
    }

    /** Null when a spec with these options can be continued token by token, else why not. */
    private static String cacheRefusal(AttentionSpec options) {
        if (!options.causal()) {
            return "a KvCache needs a causal layer (build it with causal(true)): without the causal mask a token "
                    + "attends to later ones, so a sequence cannot be computed token by token";
        }
        if (options.blockSparse() != null) {
            return "a KvCache cannot run a block-sparse layout: its blocks count queries from the first row of "
                    + "each call, so a token computed alone would see other keys than in the whole sequence";
        }
        return null;
    }

    private void requireCacheable() {
        if (cacheRefusal != null) {
            throw new IllegalStateException(cacheRefusal);
        }
    }

    /**
     * Cross-attention on one pair of sequences: {@code xq, y} {@code [queryLength, dModel]}, {@code xkv}
     * {@code [keyLength, dModel]}; positions from 0.
     *
     * @param xq the rows the queries come from
     * @param queryLength query tokens
     * @param xkv the rows the keys and values come from
     * @param keyLength key tokens
     * @param y the output rows, written
     * @throws IllegalArgumentException naming the first argument that does not fit (nothing is written)
     */
    public void forward(float[] xq, int queryLength, float[] xkv, int keyLength, float[] y) {
        forward(1, xq, queryLength, 0, xkv, keyLength, 0, y);
    }

    /**
     * Cross-attention, the general form: queries from {@code xq [batch, queryLength, dModel]} at positions
     * from {@code queryPosition}, keys and values from {@code xkv [batch, keyLength, dModel]} at positions
     * from {@code keyPosition}, output {@code y [batch, queryLength, dModel]}. Arrays may be longer than
     * needed; only the leading elements are read or written.
     *
     * @param batch pairs of sequences
     * @param xq the rows the queries come from
     * @param queryLength query tokens per batch item
     * @param queryPosition the position of each batch item's first query row
     * @param xkv the rows the keys and values come from
     * @param keyLength key tokens per batch item
     * @param keyPosition the position of each batch item's first key row
     * @param y the output rows, written
     * @throws IllegalArgumentException naming the first argument that does not fit (nothing is written)
     */
    public void forward(int batch, float[] xq, int queryLength, long queryPosition, float[] xkv, int keyLength,
                        long keyPosition, float[] y) {
        run(batch, xq, queryLength, queryPosition, xkv, keyLength, keyPosition, y, false, null);
    }

    /**
     * Cross-attention under a call's {@link AttentionMask}, which must fit
     * {@code [batch, heads, queryLength, keyLength]}.
     *
     * @param batch pairs of sequences
     * @param xq the rows the queries come from
     * @param queryLength query tokens per batch item
     * @param queryPosition the position of each batch item's first query row
     * @param xkv the rows the keys and values come from
     * @param keyLength key tokens per batch item
     * @param keyPosition the position of each batch item's first key row
     * @param y the output rows, written
     * @param mask the call's masks, or null
     * @throws IllegalArgumentException naming the first argument that does not fit (nothing is written)
     */
    public void forward(int batch, float[] xq, int queryLength, long queryPosition, float[] xkv, int keyLength,
                        long keyPosition, float[] y, AttentionMask mask) {
        run(batch, xq, queryLength, queryPosition, xkv, keyLength, keyPosition, y, false, mask);
    }

    private void run(int batch, float[] xq, int lq, long qPos, float[] xkv, int lk, long kPos, float[] y,
                     boolean self, AttentionMask mask) {
        LayerArguments.check(this, batch, xq, lq, qPos, xkv, lk, kPos, y);
        LayerBuffers buffers = pool.acquire();
        try {
            prepare(buffers, self, batch, lq, lk);
            if (mask != null) {
                mask.checkFits(buffers.spec); // before anything is written to y
            }
            float[] queryRows = withPositions(xq, batch, lq, qPos, buffers, true);
            float[] keyRows = self ? queryRows : withPositions(xkv, batch, lk, kPos, buffers, false);
            project(buffers, self, batch, queryRows, lq, keyRows, lk);
            if (rope != null) {
                rotate(buffers, batch, lq, qPos, lk, kPos);
            }
            engine.forward(buffers.spec, buffers.q, buffers.k, buffers.v, buffers.out, null, mask, Long.MAX_VALUE);
            int rows = batch * lq;
            multiplyPlusBias(rows, buffers.attended, packedOutput, weights.outputBiasVector(), y);
        } finally {
            pool.release(buffers);
        }
    }

    /** Sizes the buffers for this shape and (re)builds the spec and views when the shape changed. */
    private void prepare(LayerBuffers b, boolean self, int batch, int lq, int lk) {
        int d = weights.dModel(), h = weights.headDim(), dv = weights.valueHeadDim();
        int qWidth = weights.heads() * h, kWidth = weights.kvHeads() * h, vWidth = weights.kvHeads() * dv;
        int outWidth = weights.heads() * dv;
        if (positions != null) {
            b.queryInput = LayerBuffers.atLeast(b.queryInput, (long) batch * lq * d);
            b.keyInput = self ? b.keyInput : LayerBuffers.atLeast(b.keyInput, (long) batch * lk * d);
        }
        b.projections = LayerBuffers.atLeast(b.projections, projectionFloats(self, batch, lq, lk));
        b.attended = LayerBuffers.atLeast(b.attended, (long) batch * lq * outWidth);
        if (b.viewsFit(self, batch, lq, lk)) {
            return;
        }
        // Self: one row per token holds Q | K | V. Cross: Q rows [batch·lq, qWidth], then K | V rows.
        int qLd = self ? weights.qkvWidth() : qWidth, kvLd = self ? weights.qkvWidth() : kWidth + vWidth;
        long kOffset = self ? qWidth : (long) batch * lq * qWidth;
        b.spec = attentionSpec(batch, lq, lk);
        b.q = Tensor.of(b.projections, 0, (long) lq * qLd, qLd, h);
        b.k = Tensor.of(b.projections, kOffset, (long) lk * kvLd, kvLd, h);
        b.v = Tensor.of(b.projections, kOffset + kWidth, (long) lk * kvLd, kvLd, dv);
        b.out = Tensor.of(b.attended, 0, (long) lq * outWidth, outWidth, dv);
        b.remember(self, batch, lq, lk);
    }

    private long projectionFloats(boolean self, int batch, int lq, int lk) {
        if (self) {
            return (long) batch * lq * weights.qkvWidth();
        }
        int h = weights.headDim(), dv = weights.valueHeadDim();
        return (long) batch * lq * weights.heads() * h + (long) batch * lk * weights.kvHeads() * (h + dv);
    }

    /** The caller's rows, or a copy with the positional encoding added (the caller's X stays unchanged). */
    private float[] withPositions(float[] x, int batch, int length, long position, LayerBuffers b, boolean query) {
        if (positions == null) {
            return x;
        }
        int d = weights.dModel(), floats = batch * length * d;
        float[] copy = query ? b.queryInput : b.keyInput;
        System.arraycopy(x, 0, copy, 0, floats);
        for (int i = 0; i < batch; i++) {
            positions.addTo(copy, i * length * d, length, position);
        }
        return copy;
    }

    private void project(LayerBuffers b, boolean self, int batch, float[] queryRows, int lq, float[] keyRows, int lk) {
        int d = weights.dModel(), width = weights.qkvWidth(), qWidth = weights.heads() * weights.headDim();
        float[] w = weights.qkvMatrix(), bias = weights.qkvBiasVector();
        if (self) {
            multiplyPlusBias(batch * lq, queryRows, packedQkv, bias, b.projections);
            return;
        }
        multiplyPlusBias(batch * lq, qWidth, d, queryRows, 0, w, 0, width, bias, 0, b.projections, 0);
        multiplyPlusBias(batch * lk, width - qWidth, d, keyRows, 0, w, qWidth, width, bias, qWidth, b.projections,
                batch * lq * qWidth);
    }

    /**
     * {@code C = A·B + bias} for a dense {@code C [m, n]} at {@code cOffset}, with B's columns from
     * {@code bOffset} (leading dimension {@code ldb}) and their biases from {@code bias[biasOffset]}
     * (null: none). The bias rows are written first and the GEMM accumulates onto them: one pass over C.
     */
    private void multiplyPlusBias(int m, int n, int k, float[] a, int aOffset, float[] w, int bOffset, int ldb,
                                  float[] bias, int biasOffset, float[] c, int cOffset) {
        if (bias != null) {
            for (int r = 0; r < m; r++) {
                System.arraycopy(bias, biasOffset, c, cOffset + r * n, n);
            }
        }
        gemm.multiply(m, n, k, a, aOffset, Math.max(1, k), w, bOffset, ldb, c, cOffset, Math.max(1, n), bias != null);
    }

    /** {@code C = A·B + bias} for dense rows, B packed ahead (bias null: none), the bias added per block of C. */
    private void multiplyPlusBias(int m, float[] a, Gemm.PackedMatrix b, float[] bias, float[] c) {
        gemm.multiply(m, a, 0, Math.max(1, b.rows()), b, bias, null, Gemm.Activation.NONE, c, 0, Math.max(1, b.cols()));
    }

    private void rotate(LayerBuffers b, int batch, int lq, long qPos, int lk, long kPos) {
        int heads = weights.heads(), kvHeads = weights.kvHeads();
        for (int i = 0; i < batch; i++) {
            Tensor q = b.q, k = b.k;
            rope.apply(b.projections, (int) q.index(i, 0, 0), lq, (int) q.seqStride(), heads, qPos);
            rope.apply(b.projections, (int) k.index(i, 0, 0), lk, (int) k.seqStride(), kvHeads, kPos);
        }
    }

    /**
     * The spec this layer passes to the engine for a call of this shape: the kernel options, then the
     * shape from the weights: heads, kvHeads, headDim, valueHeadDim (so an option cannot contradict them).
     *
     * @param batch batch items
     * @param queryLength query tokens per batch item
     * @param keyLength key tokens per batch item
     * @return the spec
     * @throws IllegalArgumentException when the kernel options contradict each other or the shape
     */
    public AttentionSpec attentionSpec(int batch, int queryLength, int keyLength) {
        AttentionSpec.Builder b = AttentionSpec.builder();
        kernelOptions.accept(b);
        return b.batch(batch).queryLength(queryLength).keyLength(keyLength).heads(weights.heads())
                .kvHeads(weights.kvHeads()).headDim(weights.headDim()).valueHeadDim(weights.valueHeadDim()).build();
    }

    /** {@return the absolute positional encoding added to X, or null} */
    public PositionalEncoding positionalEncoding() {
        return positions;
    }

    /** {@return the rotary embedding applied to Q and K, or null} */
    public RotaryEmbedding rotaryEmbedding() {
        return rope;
    }

    /**
     * Bytes of scratch one call of this shape uses beyond the caller's arrays and the engine's workspace
     * (inputs with positions, Q/K/V, the attention output); one such set exists per concurrent call.
     *
     * @param batch batch items
     * @param queryLength query tokens per batch item
     * @param keyLength key tokens per batch item
     * @param selfAttention whether the call is self-attention (one projection buffer) or cross-attention
     * @return bytes
     */
    public long scratchBytes(int batch, int queryLength, int keyLength, boolean selfAttention) {
        long floats = projectionFloats(selfAttention, batch, queryLength, keyLength)
                + (long) batch * queryLength * weights.heads() * weights.valueHeadDim();
        if (positions != null) {
            floats += (long) batch * weights.dModel() * (queryLength + (selfAttention ? 0 : keyLength));
        }
        return 4 * floats;
    }

    /** {@return bytes of scratch the layer holds now} (idle buffers only) */
    public long scratchBytesHeld() {
        return pool.bytesHeld();
    }

    /** {@return the engine the layer runs attention on} (its own, or the one given to the builder) */
    public AttentionEngine engine() {
        return engine;
    }

    /** {@return the Gemm the layer projects with} (its own, or the one given to the builder) */
    public Gemm gemm() {
        return gemm;
    }

    /** Closes the engine and the Gemm if the layer created them; shared ones are the caller's to close. */
    @Override
    public void close() {
        if (ownsEngine) {
            engine.close();
        }
        if (ownsGemm) {
            gemm.close();
        }
    }

    @Override
    public String toString() {
        return "MultiHeadAttention[" + weights + ", spec=" + attentionSpec(1, 1, 1) + ", positions=" + positions
                + ", rope=" + rope + "]";
    }

    /**
     * Options of a {@link MultiHeadAttention}; all optional.
     *
     * @since 0.1
     */
    public static final class Builder {
        private final MultiHeadAttentionWeights weights;
        private Consumer<AttentionSpec.Builder> kernelOptions = spec -> { };
        private PositionalEncoding positions;
        private RotaryEmbedding rope;
        private AttentionEngine engine;
        private Gemm gemm;
        private int threads = Runtime.getRuntime().availableProcessors();

        private Builder(MultiHeadAttentionWeights weights) {
            if (weights == null) {
                throw new IllegalArgumentException("weights = null: expected MultiHeadAttentionWeights");
            }
            this.weights = weights;
        }

        /**
         * Options applied to the {@link AttentionSpec.Builder} of every call, after the ones set before
         * (e.g. {@code b -> b.scale(0.1f)}); the shape fields are set by the layer afterwards.
         *
         * @param options edits of the spec builder
         * @return this builder
         * @throws IllegalArgumentException when {@code options} is null
         */
        public Builder kernelOptions(Consumer<AttentionSpec.Builder> options) {
            if (options == null) {
                throw new IllegalArgumentException("kernelOptions = null: expected a Consumer<AttentionSpec.Builder>");
            }
            this.kernelOptions = kernelOptions.andThen(options);
            return this;
        }

        /**
         * Causal mask (bottom-right aligned when the lengths differ, as the kernel's).
         *
         * @param causal whether a query sees only keys up to its diagonal
         * @return this builder
         */
        public Builder causal(boolean causal) {
            return kernelOptions(b -> b.causal(causal));
        }

        /**
         * Sliding window (see {@link AttentionSpec}): keys visible before and after the diagonal, −1 = all.
         *
         * @param left keys before the diagonal, or −1
         * @param right keys after the diagonal, or −1
         * @return this builder
         */
        public Builder window(int left, int right) {
            return kernelOptions(b -> b.window(left, right));
        }

        /**
         * An absolute positional encoding added to X (sinusoidal, learned); default none.
         *
         * @param encoding the encoding, of the weights' {@code dModel}, or null
         * @return this builder
         */
        public Builder positionalEncoding(PositionalEncoding encoding) {
            this.positions = encoding;
            return this;
        }

        /**
         * Rotary embedding of Q and K; default none.
         *
         * @param rope the embedding, of the weights' head size, or null
         * @return this builder
         */
        public Builder rope(RotaryEmbedding rope) {
            this.rope = rope;
            return this;
        }

        /**
         * Use this engine (shared, not closed by the layer) instead of creating one.
         *
         * @param engine the engine
         * @return this builder
         */
        public Builder engine(AttentionEngine engine) {
            this.engine = engine;
            return this;
        }

        /**
         * Use this Gemm (shared, not closed by the layer) instead of creating one.
         *
         * @param gemm the Gemm
         * @return this builder
         */
        public Builder gemm(Gemm gemm) {
            this.gemm = gemm;
            return this;
        }

        /**
         * Threads of the engine and Gemm the layer creates when none is given; default: available processors.
         *
         * @param threads at least 1
         * @return this builder
         * @throws IllegalArgumentException when {@code threads < 1}
         */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads = " + threads + ": expected >= 1");
            }
            this.threads = threads;
            return this;
        }

        /**
         * {@return the layer}, with W_QKV and W_O packed for its Gemm
         *
         * @throws IllegalArgumentException when the positional or rotary encoding does not fit the weights,
         *     or the kernel options contradict each other
         */
        public MultiHeadAttention build() {
            return new MultiHeadAttention(this);
        }
    }

    /** For {@link LayerArguments}: the dimensions a call is checked against. */
    int dModel() {
        return weights.dModel();
    }
}
