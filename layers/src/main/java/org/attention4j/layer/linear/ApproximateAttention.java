package org.attention4j.layer.linear;

import org.attention4j.AttentionSpec;
import org.attention4j.Tensor;

/**
 * An attention that trades exactness for time or memory. Same contract as
 * {@link org.attention4j.AttentionEngine#forward(AttentionSpec, Tensor, Tensor, Tensor, Tensor)}
 * (shapes, layouts, validation before anything is written), but {@code out} only approximates
 * {@code softmax(Q·Kᵀ·scale + mask)·V}: measure how well with {@link ApproximationError#measure}.
 *
 * @since 0.1
 */
public interface ApproximateAttention {

    /**
     * Writes the approximate attention output of {@code q}, {@code k}, {@code v} to {@code out}.
     *
     * @param spec the shape and options of the problem
     * @param q queries {@code [batch, queryLength, heads, headDim]}
     * @param k keys {@code [batch, keyLength, kvHeads, headDim]}
     * @param v values {@code [batch, keyLength, kvHeads, valueHeadDim]}
     * @param out the output {@code [batch, queryLength, heads, valueHeadDim]}, written in place
     * @throws IllegalArgumentException when an argument does not fit {@code spec}, or {@code spec} asks
     *         for an option this approximation cannot honour (the message names it); nothing is written
     */
    void forward(AttentionSpec spec, Tensor q, Tensor k, Tensor v, Tensor out);

    /** {@return what is computed, for reports}: e.g. {@code "performer m=256 seed=1"} */
    String describe();
}
