package org.attention4j;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import org.attention4j.kernel.ForwardArguments;
import org.attention4j.kernel.Rows;
import org.attention4j.kernel.Widening;

/**
 * The keys and values of one attention layer's past positions, preallocated for {@code capacity}
 * positions and stored as {@link ElementType float32, bfloat16, float16 or int8}: what a generating model
 * keeps between decode steps. Rows are appended as float32 (converted, or quantized with a scale per
 * position and head, as they are written); {@link #keys()} and {@link #values()} are views of the whole
 * cache, of which the first {@link #length()} positions are valid, for {@link AttentionEngine#forward}
 * with a spec of {@code keyLength = length()} ({@link #spec(AttentionSpec)}).
 *
 * <p>Layout: {@code [batch, kvHeads, capacity, headDim]} (BHSD), so each kv head's positions are
 * contiguous and a decode step streams them; keys and values each their own memory.
 *
 * <pre>{@code
 * KvCache cache = KvCache.builder().kvHeads(8).headDim(128).capacity(32_768).type(ElementType.BFLOAT16).build();
 * cache.append(promptKeys, promptValues, promptLength);                  // float32 [1, n, 8, 128]
 * engine.forward(cache.spec(prefill), q, cache.keys(), cache.values(), out);
 * for (...) {                                                             // one token at a time
 *     cache.append(stepKeys, stepValues, 1);
 *     engine.forward(cache.spec(decode), q1, cache.keys(), cache.values(), out1);
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one sequence (or batch of sequences of one length) at a time; forward calls may
 * read it from any thread once {@code append} has returned. {@code append} and {@code spec} allocate
 * nothing once a spec of each length has been built (a cache reused for the next request allocates
 * nothing at all): a server keeps a pool of caches. Paging (fixed-size blocks and a block table, as
 * vLLM does) is not built in: docs/KV_CACHE.md says how a server pages with these views.
 *
 * @since 0.1
 */
public final class KvCache {
    private final int batch, kvHeads, headDim, valueHeadDim, capacity;
    private final ElementType type;
    private final Tensor keys, values;
    private final MemorySegment keyData, valueData;
    private final float[] row; // one float32 row of the caller's tensors, converted from here
    private final float[] scale = new float[1]; // an int8 row's scale, on its way to the scales
    private int length;
    private AttentionSpec lastBase;
    private AttentionSpec[] specByLength; // lastBase with keyLength = index, built on first use

    private KvCache(Builder b) {
        this.batch = b.batch;
        this.kvHeads = b.kvHeads;
        this.headDim = b.headDim;
        this.valueHeadDim = b.valueHeadDim > 0 ? b.valueHeadDim : b.headDim;
        this.capacity = b.capacity;
        this.type = b.type;
        this.row = new float[Math.max(headDim, valueHeadDim)];
        long keyElements = (long) batch * kvHeads * capacity * headDim;
        long valueElements = (long) batch * kvHeads * capacity * valueHeadDim;
        keyData = allocate(b.arena, keyElements);
        valueData = allocate(b.arena, valueElements);
        keys = view(keyData, headDim, b.arena);
        values = view(valueData, valueHeadDim, b.arena);
    }

    private MemorySegment allocate(Arena arena, long elements) {
        if (arena != null) {
            return arena.allocate(elements * type.byteSize(), 64);
        }
        if (elements > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("batch × kvHeads × capacity × headDim = " + elements
                    + " elements do not fit a Java array: expected <= " + (Integer.MAX_VALUE - 8)
                    + "; give the builder an Arena for native memory");
        }
        return switch (type) {
            case FLOAT32 -> MemorySegment.ofArray(new float[(int) elements]);
            case BFLOAT16, FLOAT16 -> MemorySegment.ofArray(new short[(int) elements]);
            case INT8 -> MemorySegment.ofArray(new byte[(int) elements]);
        };
    }

    private Tensor view(MemorySegment data, int dim, Arena arena) {
        long headStride = (long) capacity * dim, batchStride = kvHeads * headStride;
        if (type != ElementType.INT8) {
            return Tensor.of(type, data, 0, batchStride, dim, headStride);
        }
        long scaleCount = (long) batch * kvHeads * capacity;
        MemorySegment scales = arena != null ? arena.allocate(scaleCount * Float.BYTES, 64)
                : MemorySegment.ofArray(new float[(int) scaleCount]);
        Tensor scaleView = Tensor.of(scales, 0, (long) kvHeads * capacity, 1, capacity);
        return Tensor.int8(data, 0, batchStride, dim, headStride, scaleView);
    }

    /** {@return a builder: batch 1, float32, value heads of the key heads' size} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Appends {@code count} positions to every sequence of the batch: row {@code (b, s, h)} of {@code k}
     * and {@code v} (float32, {@code [batch, count, kvHeads, headDim]} and {@code [.., valueHeadDim]}, any
     * strides) becomes position {@code length() + s}. Either all rows are appended or, on an exception,
     * {@link #length()} is unchanged (rows past it are never read).
     *
     * @param k the new keys, float32
     * @param v the new values, float32
     * @param count positions to append, {@code >= 0}
     * @throws IllegalArgumentException when the cache would overflow its capacity, a tensor does not fit
     *         its shape or is not float32, or a value cannot be stored (float16 beyond ±65504, int8 of a
     *         non-finite value); the message names the tensor
     */
    public void append(Tensor k, Tensor v, int count) {
        Objects.requireNonNull(k, "k");
        Objects.requireNonNull(v, "v");
        if (count < 0 || count > capacity - length) {
            throw new IllegalArgumentException("count = " + count + ": expected 0 <= count <= " + (capacity - length)
                    + " (capacity " + capacity + ", length " + length + "); build a larger cache or clear it");
        }
        requireFits("k", k, count, headDim);
        requireFits("v", v, count, valueHeadDim);
        for (int b = 0; b < batch; b++) {
            for (int s = 0; s < count; s++) {
                for (int h = 0; h < kvHeads; h++) {
                    write("k", k, keys, keyData, b, s, h, headDim);
                    write("v", v, values, valueData, b, s, h, valueHeadDim);
                }
            }
        }
        length += count;
    }

    private void write(String name, Tensor src, Tensor view, MemorySegment data, int b, int s, int h, int dim) {
        Rows.read(src, b, s, h, row, 0, dim);
        long position = length + s;
        scale[0] = Widening.narrowRow(name, row, 0, dim, type, data, view.byteOffset(b, position, h));
        if (type == ElementType.INT8) {
            Rows.write(scale, 1, view.scales(), b, position, h);
        }
    }

    private void requireFits(String name, Tensor t, int count, int dim) {
        if (t.type() != ElementType.FLOAT32) {
            throw new IllegalArgumentException(name + ": element type " + t.type() + ": expected FLOAT32 rows "
                    + "(the cache converts them to " + type + ")");
        }
        ForwardArguments.requireFits(name, t, batch, count, kvHeads, dim);
    }

    /**
     * {@return {@code base} with {@code keyLength = length()}}: the spec of a forward call over this cache.
     * Built once per length and base (a spec equal to the last one reuses its cache of specs), so steady
     * decoding allocates nothing.
     *
     * @param base the call's spec (batch, heads, kvHeads, head sizes must match the cache's; its
     *        queryLength is the new positions' count, its keyLength is replaced)
     * @throws IllegalArgumentException when the base does not match the cache's shape
     */
    public AttentionSpec spec(AttentionSpec base) {
        Objects.requireNonNull(base, "base");
        if (base != lastBase) {
            if (base.batch() != batch || base.kvHeads() != kvHeads || base.headDim() != headDim
                    || base.valueHeadDim() != valueHeadDim) {
                throw new IllegalArgumentException("base: batch " + base.batch() + ", kvHeads " + base.kvHeads()
                        + ", headDim " + base.headDim() + ", valueHeadDim " + base.valueHeadDim()
                        + ": expected the cache's " + batch + ", " + kvHeads + ", " + headDim + ", " + valueHeadDim);
            }
            if (!base.equals(lastBase)) {
                specByLength = new AttentionSpec[capacity + 1];
            }
            lastBase = base;
        }
        AttentionSpec spec = specByLength[length];
        if (spec == null) {
            spec = base.keyLength() == length ? base : base.toBuilder().keyLength(length).build();
            specByLength[length] = spec;
        }
        return spec;
    }

    /** Forgets every position (the memory is kept): the cache of the next sequence. */
    public void clear() {
        length = 0;
    }

    /**
     * Keeps the first {@code length} positions only (e.g. rejected draft tokens of speculative decoding).
     *
     * @param length at most {@link #length()}
     */
    public void truncate(int length) {
        if (length < 0 || length > this.length) {
            throw new IllegalArgumentException("length = " + length + ": expected 0 <= length <= " + this.length);
        }
        this.length = length;
    }

    /** {@return keys {@code [batch, capacity, kvHeads, headDim]} in BHSD memory; the first length() valid} */
    public Tensor keys() { return keys; }
    /** {@return values {@code [batch, capacity, kvHeads, valueHeadDim]}; the first length() valid} */
    public Tensor values() { return values; }
    /** {@return valid positions} */
    public int length() { return length; }
    /** {@return positions the cache holds at most} */
    public int capacity() { return capacity; }
    /** {@return the storage type} */
    public ElementType type() { return type; }
    /** {@return batch items} */
    public int batch() { return batch; }
    /** {@return key/value heads} */
    public int kvHeads() { return kvHeads; }
    /** {@return the key head size} */
    public int headDim() { return headDim; }
    /** {@return the value head size} */
    public int valueHeadDim() { return valueHeadDim; }

    /** {@return bytes of keys and values a forward call over the first length() positions reads} (scales included) */
    public long bytesRead() {
        long perPosition = (long) batch * kvHeads * (headDim + valueHeadDim) * type.byteSize();
        if (type == ElementType.INT8) {
            perPosition += 2L * batch * kvHeads * Float.BYTES;
        }
        return perPosition * length;
    }

    @Override
    public String toString() {
        return "KvCache[" + type + ", batch " + batch + ", kvHeads " + kvHeads + ", headDim " + headDim
                + (valueHeadDim != headDim ? ", valueHeadDim " + valueHeadDim : "") + ", length " + length + " of "
                + capacity + "]";
    }

    /**
     * Shape and storage of a {@link KvCache}.
     *
     * @since 0.1
     */
    public static final class Builder {
        private int batch = 1, kvHeads, headDim, valueHeadDim, capacity;
        private ElementType type = ElementType.FLOAT32;
        private Arena arena;

        private Builder() {}

        /**
         * Sequences decoded together, all at the same position.
         *
         * @param batch at least 1 (default 1)
         * @return this builder
         */
        public Builder batch(int batch) { this.batch = batch; return this; }

        /**
         * Key/value heads of the layer.
         *
         * @param kvHeads at least 1
         * @return this builder
         */
        public Builder kvHeads(int kvHeads) { this.kvHeads = kvHeads; return this; }

        /**
         * Key head size.
         *
         * @param headDim 1..256
         * @return this builder
         */
        public Builder headDim(int headDim) { this.headDim = headDim; return this; }

        /**
         * Value head size.
         *
         * @param valueHeadDim 1..256 (default: the key head size)
         * @return this builder
         */
        public Builder valueHeadDim(int valueHeadDim) { this.valueHeadDim = valueHeadDim; return this; }

        /**
         * Positions the cache holds at most, preallocated.
         *
         * @param capacity at least 1
         * @return this builder
         */
        public Builder capacity(int capacity) { this.capacity = capacity; return this; }

        /**
         * How keys and values are stored.
         *
         * @param type the storage type (default float32)
         * @return this builder
         */
        public Builder type(ElementType type) { this.type = Objects.requireNonNull(type, "type"); return this; }

        /**
         * Native memory from {@code arena} instead of Java arrays (needed past 2^31 elements; shared or
         * global arenas for multi-threaded engines).
         *
         * @param arena where the cache's memory comes from; null for Java arrays (default)
         * @return this builder
         */
        public Builder arena(Arena arena) { this.arena = arena; return this; }

        /**
         * Allocates the cache.
         *
         * @return the cache, zero-filled, length 0
         * @throws IllegalArgumentException naming the first value out of range
         */
        public KvCache build() {
            require("batch", batch, 1, Integer.MAX_VALUE);
            require("kvHeads", kvHeads, 1, Integer.MAX_VALUE);
            require("headDim", headDim, 1, 256);
            if (valueHeadDim != 0) {
                require("valueHeadDim", valueHeadDim, 1, 256);
            }
            require("capacity", capacity, 1, Integer.MAX_VALUE - 1);
            return new KvCache(this);
        }

        private static void require(String name, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " = " + value + ": expected "
                        + (max >= Integer.MAX_VALUE - 1 ? ">= " + min : min + ".." + max));
            }
        }
    }
}
