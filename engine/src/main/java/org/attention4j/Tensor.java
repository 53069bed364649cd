package org.attention4j;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * A strided view of a 4-d tensor {@code [batch, seq, head, dim]} over a {@code float[]} or a
 * {@link MemorySegment} (heap or native). Element {@code (b, s, h, d)} is at element index
 * {@code offset + b·batchStride + s·seqStride + h·headStride + d}: the head dimension is contiguous,
 * the three other strides are free (in elements, {@code >= 0}), so BSHD, BHSD and packed QKV buffers are
 * all views without copies.
 *
 * <p>Elements are float32 unless the view says otherwise ({@link #type()}): keys and values may also be
 * bfloat16 or float16 ({@link #of(ElementType, MemorySegment, long, long, long, long)}, over a
 * {@code short[]} or a segment) or int8 with a float32 scale per position and head
 * ({@link #int8(MemorySegment, long, long, long, long, Tensor)}); see {@link ElementType}.
 *
 * <p>The log-sum-exp output {@code [batch, heads, queryLength]} is a view too (dimension 1): see
 * {@link #lse(float[], int, int)}.
 *
 * <p>A view holds no shape; {@link AttentionEngine#forward} checks it against the {@link AttentionSpec}
 * (bounds, overlap) before anything is written. Views are immutable and cheap; services that want zero
 * garbage per call create them once per buffer and reuse them.
 *
 * @since 0.1
 */
public final class Tensor {
    private final ElementType type;
    private final Tensor scales;    // INT8 only: a float32 view of one scale per (b, s, h)
    private final MemorySegment segment;
    private final long offset;
    private final long batchStride;
    private final long seqStride;
    private final long headStride;
    private final Object heapBase;  // the Java array behind a heap segment, or null
    private final float[] array;    // the float[] behind a heap segment, or null: kernels read it directly
    private final long arrayOffset; // float index of segment offset 0 in array

    private Tensor(MemorySegment segment, long offset, long batchStride, long seqStride, long headStride) {
        this(ElementType.FLOAT32, null, segment, offset, batchStride, seqStride, headStride);
    }

    private Tensor(ElementType type, Tensor scales, MemorySegment segment, long offset, long batchStride,
                   long seqStride, long headStride) {
        this.type = type;
        this.scales = scales;
        this.segment = segment;
        this.offset = offset;
        this.batchStride = batchStride;
        this.seqStride = seqStride;
        this.headStride = headStride;
        Object heapBase = segment.heapBase().orElse(null);
        this.heapBase = heapBase;
        boolean direct = type == ElementType.FLOAT32 && heapBase instanceof float[]
                && segment.address() % Float.BYTES == 0;
        this.array = direct ? (float[]) heapBase : null;
        this.arrayOffset = direct ? segment.address() / Float.BYTES : 0;
    }

    /**
     * A view of {@code data} with explicit offset and strides, all in floats: e.g. Q, K and V inside one
     * packed QKV buffer.
     *
     * @param data the floats; not copied
     * @param offset float index of element (0, 0, 0, 0)
     * @param batchStride floats between batch items
     * @param seqStride floats between tokens
     * @param headStride floats between heads
     * @return the view; the engine checks it against a spec's shape on every call
     */
    public static Tensor of(float[] data, long offset, long batchStride, long seqStride, long headStride) {
        Objects.requireNonNull(data, "data");
        return new Tensor(MemorySegment.ofArray(data), offset, batchStride, seqStride, headStride);
    }

    /**
     * A view of {@code segment} with explicit offset and strides, all in floats. Any alignment is
     * accepted. Segments used by a multi-threaded engine must be accessible from other threads
     * (global, auto or shared arenas); a confined segment makes that call run on the caller's thread.
     *
     * @param segment the memory; not copied
     * @param offset float index of element (0, 0, 0, 0)
     * @param batchStride floats between batch items
     * @param seqStride floats between tokens
     * @param headStride floats between heads
     * @return the view; the engine checks it against a spec's shape on every call
     */
    public static Tensor of(MemorySegment segment, long offset, long batchStride, long seqStride,
                            long headStride) {
        Objects.requireNonNull(segment, "segment");
        return new Tensor(segment, offset, batchStride, seqStride, headStride);
    }

    /**
     * A bfloat16 or float16 (or float32) view of {@code segment} with explicit offset and strides, all in
     * elements. For keys and values: queries and outputs are float32.
     *
     * @param type {@link ElementType#BFLOAT16}, {@link ElementType#FLOAT16} or {@link ElementType#FLOAT32}
     *        (int8 needs scales: {@link #int8(MemorySegment, long, long, long, long, Tensor)})
     * @param segment the memory, in the platform's byte order (little-endian on x86-64 and AArch64); not copied
     * @param offset element index of element (0, 0, 0, 0)
     * @param batchStride elements between batch items
     * @param seqStride elements between tokens
     * @param headStride elements between heads
     * @return the view; the engine checks it against a spec's shape on every call
     * @throws IllegalArgumentException when {@code type} is {@link ElementType#INT8}
     */
    public static Tensor of(ElementType type, MemorySegment segment, long offset, long batchStride, long seqStride,
                            long headStride) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(segment, "segment");
        if (type == ElementType.INT8) {
            throw new IllegalArgumentException("type = INT8: int8 data needs its scales; use Tensor.int8(...)");
        }
        return new Tensor(type, null, segment, offset, batchStride, seqStride, headStride);
    }

    /**
     * A bfloat16 or float16 view of {@code data} with explicit offset and strides, all in elements: e.g.
     * a checkpoint's weights or a KV cache kept in their type.
     *
     * @param type {@link ElementType#BFLOAT16} or {@link ElementType#FLOAT16}
     * @param data the 16-bit patterns; not copied
     * @param offset element index of element (0, 0, 0, 0)
     * @param batchStride elements between batch items
     * @param seqStride elements between tokens
     * @param headStride elements between heads
     * @return the view
     * @throws IllegalArgumentException when {@code type} is not a 16-bit type
     */
    public static Tensor of(ElementType type, short[] data, long offset, long batchStride, long seqStride,
                            long headStride) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        if (type.byteSize() != Short.BYTES) {
            throw new IllegalArgumentException("type = " + type + " over a short[]: expected BFLOAT16 or FLOAT16");
        }
        return new Tensor(type, null, MemorySegment.ofArray(data), offset, batchStride, seqStride, headStride);
    }

    /**
     * An int8 view: element {@code (b, s, h, d)} is {@code data[...] · scales(b, s, h, 0)} (symmetric,
     * one float32 scale per position and head; see {@link ElementType#INT8}).
     *
     * @param data the signed bytes; not copied
     * @param offset element index of element (0, 0, 0, 0)
     * @param batchStride elements between batch items
     * @param seqStride elements between tokens
     * @param headStride elements between heads
     * @param scales a float32 view whose element {@code (b, s, h, 0)} is the scale of row {@code (b, s, h)}
     * @return the view
     * @throws IllegalArgumentException when {@code scales} is not float32
     */
    public static Tensor int8(MemorySegment data, long offset, long batchStride, long seqStride, long headStride,
                              Tensor scales) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(scales, "scales");
        if (scales.type() != ElementType.FLOAT32) {
            throw new IllegalArgumentException("scales: element type " + scales.type() + ": expected FLOAT32");
        }
        return new Tensor(ElementType.INT8, scales, data, offset, batchStride, seqStride, headStride);
    }

    /**
     * An int8 view of {@code data}: see {@link #int8(MemorySegment, long, long, long, long, Tensor)}.
     *
     * @param data the signed bytes; not copied
     * @param offset element index of element (0, 0, 0, 0)
     * @param batchStride elements between batch items
     * @param seqStride elements between tokens
     * @param headStride elements between heads
     * @param scales a float32 view whose element {@code (b, s, h, 0)} is the scale of row {@code (b, s, h)}
     * @return the view
     */
    public static Tensor int8(byte[] data, long offset, long batchStride, long seqStride, long headStride,
                              Tensor scales) {
        Objects.requireNonNull(data, "data");
        return int8(MemorySegment.ofArray(data), offset, batchStride, seqStride, headStride, scales);
    }

    /**
     * {@return the same view starting {@code positions} further along the sequence axis} (for packed
     * sequences; an int8 view's scales move with it)
     *
     * @param positions tokens to skip
     */
    public Tensor fromPosition(long positions) {
        return new Tensor(type, scales == null ? null : scales.fromPosition(positions), segment,
                offset + positions * seqStride, batchStride, seqStride, headStride);
    }

    /**
     * Contiguous {@code [batch, seqLength, heads, headDim]} (BSHD) from offset 0: the layout of
     * Hugging Face and FlashAttention.
     *
     * @param data the floats; not copied
     * @param seqLength tokens per batch item
     * @param heads heads
     * @param headDim floats per head
     * @return the view
     */
    public static Tensor bshd(float[] data, int seqLength, int heads, int headDim) {
        return of(data, 0, (long) seqLength * heads * headDim, (long) heads * headDim, headDim);
    }

    /**
     * Contiguous {@code [batch, heads, seqLength, headDim]} (BHSD) from offset 0: PyTorch SDPA's layout.
     *
     * @param data the floats; not copied
     * @param seqLength tokens per batch item
     * @param heads heads
     * @param headDim floats per head
     * @return the view
     */
    public static Tensor bhsd(float[] data, int seqLength, int heads, int headDim) {
        return of(data, 0, (long) heads * seqLength * headDim, headDim, (long) seqLength * headDim);
    }

    /**
     * Contiguous {@code [batch, seqLength, heads, headDim]} (BSHD) from offset 0.
     *
     * @param segment the memory; not copied
     * @param seqLength tokens per batch item
     * @param heads heads
     * @param headDim floats per head
     * @return the view
     */
    public static Tensor bshd(MemorySegment segment, int seqLength, int heads, int headDim) {
        return of(segment, 0, (long) seqLength * heads * headDim, (long) heads * headDim, headDim);
    }

    /**
     * Contiguous {@code [batch, heads, seqLength, headDim]} (BHSD) from offset 0.
     *
     * @param segment the memory; not copied
     * @param seqLength tokens per batch item
     * @param heads heads
     * @param headDim floats per head
     * @return the view
     */
    public static Tensor bhsd(MemorySegment segment, int seqLength, int heads, int headDim) {
        return of(segment, 0, (long) heads * seqLength * headDim, headDim, (long) seqLength * headDim);
    }

    /**
     * A contiguous log-sum-exp output {@code [batch, heads, queryLength]}.
     *
     * @param data the floats; not copied
     * @param heads query heads
     * @param queryLength query rows per head
     * @return the view
     */
    public static Tensor lse(float[] data, int heads, int queryLength) {
        return of(data, 0, (long) heads * queryLength, 1, queryLength);
    }

    /**
     * A contiguous log-sum-exp output {@code [batch, heads, queryLength]}.
     *
     * @param segment the memory; not copied
     * @param heads query heads
     * @param queryLength query rows per head
     * @return the view
     */
    public static Tensor lse(MemorySegment segment, int heads, int queryLength) {
        return of(segment, 0, (long) heads * queryLength, 1, queryLength);
    }

    /**
     * {@return the number of floats in a tensor of this shape} in BSHD or BHSD order: a helper for
     * allocation
     *
     * @param batch batch items
     * @param seqLength tokens per batch item
     * @param heads heads
     * @param headDim floats per head
     * @throws IllegalArgumentException when the count does not fit a {@code float[]}
     */
    public static int elements(int batch, int seqLength, int heads, int headDim) {
        long n = (long) batch * seqLength * heads * headDim;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor of " + n + " floats does not fit a float[]: "
                    + "expected <= " + (Integer.MAX_VALUE - 8) + "; use a MemorySegment");
        }
        return (int) n;
    }

    /** {@return how the elements are stored} */
    public ElementType type() { return type; }
    /** {@return an int8 view's scales (float32, one per (b, s, h) at element 0), else null} */
    public Tensor scales() { return scales; }
    /** {@return the memory this view reads or writes} (a heap segment for a {@code float[]}) */
    public MemorySegment segment() { return segment; }
    /** {@return element index of element (0, 0, 0, 0)} */
    public long offset() { return offset; }
    /** {@return elements between batch items} */
    public long batchStride() { return batchStride; }
    /** {@return elements between tokens} */
    public long seqStride() { return seqStride; }
    /** {@return elements between heads} */
    public long headStride() { return headStride; }

    /**
     * {@return the {@code float[]} behind this float32 view when it is a writable heap segment over one,
     * else null} (then {@link #arrayIndex} locates elements in it). Public for the kernels, which read such
     * arrays directly instead of through the segment.
     */
    public float[] array() {
        return array;
    }

    /**
     * {@return the Java array behind this view's heap segment (of any element type), else null} Without
     * the {@code Optional} of {@link MemorySegment#heapBase()}: the engine's overlap checks run on every
     * call and allocate nothing.
     */
    public Object heapBase() {
        return heapBase;
    }

    /**
     * {@return the index in {@link #array()} of element {@code (b, s, h, 0)}}
     *
     * @param b the batch item
     * @param s the token
     * @param h the head
     */
    public int arrayIndex(int b, long s, int h) {
        return (int) (arrayOffset + index(b, s, h));
    }

    /**
     * {@return the element index of element {@code (b, s, h, 0)} in {@link #segment()}}
     *
     * @param b the batch item
     * @param s the token
     * @param h the head
     */
    public long index(int b, long s, int h) {
        return offset + b * batchStride + s * seqStride + h * headStride;
    }

    /**
     * {@return the byte offset of element {@code (b, s, h, 0)} in {@link #segment()}}
     *
     * @param b the batch item
     * @param s the token
     * @param h the head
     */
    public long byteOffset(int b, long s, int h) {
        return index(b, s, h) * type.byteSize();
    }

    /**
     * {@return element {@code (b, s, h, d)} as a float} (widened, or dequantized with its scale) One
     * bounds-checked read: for tests, tools and per-row values (int8 scales), not for kernels' inner loops.
     *
     * @param b the batch item
     * @param s the token
     * @param h the head
     * @param d the index within the head
     */
    public float get(int b, long s, int h, int d) {
        if (array != null) { // no segment access: its site sees heap and native segments (see Widening.rowScale)
            return array[arrayIndex(b, s, h) + d];
        }
        long i = index(b, s, h) + d;
        return switch (type) {
            case FLOAT32 -> segment.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
            case BFLOAT16 -> Float.intBitsToFloat(segment.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i) << 16);
            case FLOAT16 -> Float.float16ToFloat(segment.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i));
            case INT8 -> segment.get(ValueLayout.JAVA_BYTE, i) * scales.get(b, s, h, 0);
        };
    }

    @Override
    public String toString() {
        return "Tensor[" + type + ", " + (segment.isNative() ? "native" : "heap") + ", elements="
                + segment.byteSize() / type.byteSize()
                + ", offset=" + offset + ", strides(batch,seq,head)=(" + batchStride + "," + seqStride + ","
                + headStride + ")]";
    }
}
