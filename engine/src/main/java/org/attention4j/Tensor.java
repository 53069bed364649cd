package org.attention4j;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * A strided float32 view of a 4-d tensor {@code [batch, seq, head, dim]} over a {@code float[]} or a
 * {@link MemorySegment} (heap or native). Element {@code (b, s, h, d)} is at float index
 * {@code offset + b·batchStride + s·seqStride + h·headStride + d}: the head dimension is contiguous,
 * the three other strides are free (in floats, {@code >= 0}), so BSHD, BHSD and packed QKV buffers are
 * all views without copies.
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
    private final MemorySegment segment;
    private final long offset;
    private final long batchStride;
    private final long seqStride;
    private final long headStride;
    private final float[] array;    // the float[] behind a heap segment, or null: kernels read it directly
    private final long arrayOffset; // float index of segment offset 0 in array

    private Tensor(MemorySegment segment, long offset, long batchStride, long seqStride, long headStride) {
        this.segment = segment;
        this.offset = offset;
        this.batchStride = batchStride;
        this.seqStride = seqStride;
        this.headStride = headStride;
        Object heapBase = segment.heapBase().orElse(null);
        boolean direct = heapBase instanceof float[] && segment.address() % Float.BYTES == 0;
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
     * {@return the same view starting {@code positions} further along the sequence axis} (for packed
     * sequences)
     *
     * @param positions tokens to skip
     */
    public Tensor fromPosition(long positions) {
        return new Tensor(segment, offset + positions * seqStride, batchStride, seqStride, headStride);
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

    /** {@return the memory this view reads or writes} (a heap segment for a {@code float[]}) */
    public MemorySegment segment() { return segment; }
    /** {@return float index of element (0, 0, 0, 0)} */
    public long offset() { return offset; }
    /** {@return floats between batch items} */
    public long batchStride() { return batchStride; }
    /** {@return floats between tokens} */
    public long seqStride() { return seqStride; }
    /** {@return floats between heads} */
    public long headStride() { return headStride; }

    /**
     * {@return the {@code float[]} behind this view when it is a writable heap segment over one, else
     * null} (then {@link #arrayIndex} locates elements in it). Public for the kernels, which read such
     * arrays directly instead of through the segment.
     */
    public float[] array() {
        return array;
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
     * {@return the float index of element {@code (b, s, h, 0)} in {@link #segment()}}
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
        return index(b, s, h) * Float.BYTES;
    }

    /**
     * {@return element {@code (b, s, h, d)}} Slow (one bounds-checked segment read): for tests and tools,
     * not for kernels.
     *
     * @param b the batch item
     * @param s the token
     * @param h the head
     * @param d the index within the head
     */
    public float get(int b, long s, int h, int d) {
        return segment.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, index(b, s, h) + d);
    }

    @Override
    public String toString() {
        return "Tensor[" + (segment.isNative() ? "native" : "heap") + ", floats=" + segment.byteSize() / Float.BYTES
                + ", offset=" + offset + ", strides(batch,seq,head)=(" + batchStride + "," + seqStride + ","
                + headStride + ")]";
    }
}
