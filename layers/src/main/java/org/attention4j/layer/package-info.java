/**
 * A transformer's attention block on the engine: {@link org.attention4j.layer.MultiHeadAttention}
 * (projections, positional or rotary encodings, attention, output projection; self- and
 * cross-attention, MHA/GQA/MQA, packed sequences of different lengths, incremental decoding against an
 * {@link org.attention4j.KvCache}), its
 * {@link org.attention4j.layer.MultiHeadAttentionWeights} (built from arrays, or loaded from a Hugging
 * Face checkpoint by {@link org.attention4j.layer.SafeTensorsWeights} with
 * {@link org.attention4j.layer.WeightNames}), and the {@link org.attention4j.layer.Gemm} it projects
 * with: a packed, register-blocked matrix product with fused bias, residual and GELU, plus LayerNorm.
 *
 * @since 0.1
 */
package org.attention4j.layer;
