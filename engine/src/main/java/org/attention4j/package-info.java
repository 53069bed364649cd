/**
 * The attention engine: {@link org.attention4j.AttentionEngine} computes
 * {@code O = softmax(Q·Kᵀ·scale + mask)·V} tile by tile (FlashAttention's online softmax: no n × n
 * buffer) on the problem an {@link org.attention4j.AttentionSpec} describes (shape, causal mask,
 * sliding window, soft-capping, ALiBi, a {@link org.attention4j.BlockSparseLayout}), reading and writing
 * {@link org.attention4j.Tensor} views over {@code float[]} or {@code MemorySegment} memory, under a
 * call's {@link org.attention4j.AttentionMask}.
 *
 * <p>What every call guarantees: all arguments are checked before anything is written (an
 * {@link java.lang.IllegalArgumentException} names the wrong one); results are bitwise the same for
 * every thread count; a call stops at its deadline or on interrupt
 * ({@link org.attention4j.AttentionCancelledException}). {@link org.attention4j.AttentionWeights}
 * returns the weights P of a bounded slice for inspection; the engine itself never forms them.
 *
 * @since 0.1
 */
package org.attention4j;
