/**
 * <b>Experimental</b>: its API may change in a minor release, and the approximations are not tuned for speed the
 * way the exact engine is.
 *
 * <p>Linear-time attention as an explicit <em>approximation</em> of {@code softmax(Q·Kᵀ·scale)·V}:
 * {@link org.attention4j.layer.linear.PerformerAttention} (FAVOR+ random features, non-causal and
 * causal) and {@link org.attention4j.layer.linear.LinformerAttention} (learned or random length
 * projections, non-causal). Both take the same {@link org.attention4j.AttentionSpec} and
 * {@link org.attention4j.Tensor} views as {@link org.attention4j.AttentionEngine#forward}, and their
 * error against the exact engine is measured, never assumed: {@link
 * org.attention4j.layer.linear.ApproximationError}. Their float64 oracles (the same estimators,
 * computed literally) live with the others in the test-kit module ({@code org.attention4j.reference}).
 *
 * @since 0.1
 */
package org.attention4j.layer.linear;
