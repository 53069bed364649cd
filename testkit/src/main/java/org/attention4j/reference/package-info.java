/**
 * The float64 oracles every kernel and layer is checked against: attention ({@code ReferenceAttention}, with
 * every mask, window, soft-cap and layout the engine takes), the matrix product ({@code ReferenceGemm}),
 * GELU/erf/LayerNorm ({@code ReferenceMath}), the multi-head layer ({@code ReferenceMultiHeadAttention}) and the
 * linear approximations ({@code PerformerReference}, {@code LinformerReference}). Written for clarity, not
 * speed: one exact formula per step, summed in double. Used by the tests of every module and by
 * {@code attention4j run --check}; not part of the library users depend on.
 */
package org.attention4j.reference;
