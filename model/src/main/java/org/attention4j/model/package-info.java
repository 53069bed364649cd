/**
 * Transformer encoders (the BERT family) and sentence embeddings running on the attention4j engine:
 * {@link org.attention4j.model.SentenceEmbedder} (texts in, unit vectors out, from an ONNX export or a
 * Hugging Face folder), the {@link org.attention4j.model.BertEncoder} under it (packed batches, no
 * padding), its {@link org.attention4j.model.BertConfig}, and the {@link org.attention4j.model.WeightSource}
 * its weights come from ({@link org.attention4j.model.SafeTensorsWeightSource}, or
 * {@link org.attention4j.model.onnx.OnnxBertWeights}).
 *
 * @since 0.1
 */
package org.attention4j.model;
